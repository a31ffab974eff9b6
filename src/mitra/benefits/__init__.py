"""Benefits: valuing contributions and sharing the partnership's gains fairly (issue 13)."""
