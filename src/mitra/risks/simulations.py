"""Run the register's Monte Carlo as a background job, exactly as ``mitra simulate`` would."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mitra.analysis import simulate, validate_spec
from mitra.core.errors import ApplicationError
from mitra.core.money import format_number
from mitra.jobs.models import Job
from mitra.jobs.services import job_enqueue
from mitra.partnerships.models import Partnership

from . import specs
from .models import (
    Simulation,
)
from .permissions import can_edit_register
from .services import (
    MAX_ITERATIONS,
    current_rows,
    deny_unless,
)


def full_spec(partnership: Partnership) -> dict[str, Any]:
    """The register as a spec with every input (only for the simulation and the export to a
    reader who may see every input)."""
    settings, parties, risks, correlations = current_rows(partnership)
    if settings is None:
        raise ApplicationError(_("This partnership has no risk register yet."))
    return specs.register_spec(partnership, settings, parties, risks, correlations)


@transaction.atomic
def simulation_start(
    *, actor: Any, partnership: Partnership, iterations: int | None, seed: int | None
) -> Simulation:
    deny_unless(
        can_edit_register(actor, partnership),
        _("Only the partners of this partnership can run its simulation."),
    )
    if iterations is not None and not 1 <= iterations <= MAX_ITERATIONS:
        raise ValidationError(
            {
                "iterations": _("Choose between 1 and %(max)s iterations.")
                % {"max": format_number(MAX_ITERATIONS, 0)}
            }
        )
    if seed is not None and seed < 0:
        raise ValidationError({"seed": _("A seed is a whole number of zero or more.")})
    unquantified = [r.code for r in partnership.risks.only("code", "quantity") if not r.quantity]
    if unquantified:
        raise ApplicationError(
            _(
                "These risks have no figures yet: %(codes)s. Give each its probability and "
                "impact, or delete it, before running the simulation."
            )
            % {"codes": ", ".join(unquantified)}
        )
    spec = full_spec(partnership)
    issues = validate_spec(spec)
    if issues:
        raise ApplicationError(
            _("The register cannot be simulated yet: %(problems)s")
            % {"problems": "; ".join(f"{i.path}: {i.message}" for i in issues[:5])},
            {"issues": [{"path": i.path, "message": i.message} for i in issues]},
        )
    n = iterations or int(spec.get("simulation", {}).get("iterations", 10_000))
    simulation = Simulation.objects.create(
        partnership=partnership,
        iterations=n,
        seed=seed,
        inputs_hash=specs.inputs_hash(spec),
        spec=spec,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    job = job_enqueue(
        actor=actor,
        kind="risks.simulate",
        title=str(_("Risk simulation: %(code)s") % {"code": partnership.code}),
        params={"simulation": simulation.pk},
    )
    simulation.job = job
    simulation.save(update_fields=["job"])
    return simulation


def simulation_job(job: Job, progress: Any) -> dict[str, Any]:
    """The job handler: run the stored spec exactly as ``mitra simulate`` would."""
    simulation = Simulation.objects.get(pk=job.params["simulation"])
    result = simulate(
        simulation.spec,
        iterations=simulation.iterations,
        seed=simulation.seed,
        progress=progress,
    )
    data = result.to_dict()
    Simulation.objects.filter(pk=simulation.pk).update(result=data, seed=result.seed)
    return {"simulation": simulation.pk}
