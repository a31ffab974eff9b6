"""Types of the names `mitra.analysis.alignment` loads on first use (see __init__.py)."""

from .compromise import (
    AlignmentResult as AlignmentResult,
)
from .compromise import (
    Compromise as Compromise,
)
from .compromise import (
    align as align,
)
from .compromise import (
    maximin_compromise as maximin_compromise,
)
from .conflicts import (
    ConflictMatrix as ConflictMatrix,
)
from .conflicts import (
    LeverRange as LeverRange,
)
from .conflicts import (
    conflict_matrix as conflict_matrix,
)
from .conflicts import (
    lever_ranges as lever_ranges,
)
from .conflicts import (
    objectives_oppose as objectives_oppose,
)
from .scores import objective_score as objective_score
from .scores import partner_satisfaction as partner_satisfaction
from .spec import (
    AlignmentSpec as AlignmentSpec,
)
from .spec import (
    Lever as Lever,
)
from .spec import (
    Objective as Objective,
)
from .spec import (
    Partner as Partner,
)
from .spec import (
    alignment_schema as alignment_schema,
)
from .spec import (
    load_alignment_spec as load_alignment_spec,
)
from .spec import (
    validate_alignment_spec as validate_alignment_spec,
)
