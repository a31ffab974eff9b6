"""What the report part registers when the app is ready (called from FinanceConfig.ready)."""

import logging


def register() -> None:
    from mitra.jobs.registry import register_handler

    from .report import JOB_KIND

    register_handler(JOB_KIND, "mitra.finance.report.report_job")
    # WeasyPrint logs every layout step at INFO: one line per page in the server's log.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
