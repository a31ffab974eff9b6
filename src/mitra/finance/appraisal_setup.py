"""What the appraisal part registers when the app is ready (called from FinanceConfig.ready)."""


def register() -> None:
    pass
