"""API schemas of the results: indicators, periods with targets, updates with their breakdown.
Values are exact decimals (answered as strings)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from mitra.accounts.schemas import InSchema
from mitra.goals.schemas import Value
from mitra.partnerships.schemas import DecimalStr, Id, Version

from .models import UNIT_CHOICES, Dimension, Direction, Level, Measure, Status

LevelCode = Literal[tuple(Level.values)]  # type: ignore[valid-type]
MeasureCode = Literal[tuple(Measure.values)]  # type: ignore[valid-type]
DirectionCode = Literal[tuple(Direction.values)]  # type: ignore[valid-type]
UnitCode = Literal[tuple(code for code, _label in UNIT_CHOICES)]  # type: ignore[valid-type]
DimensionCode = Literal[tuple(Dimension.values)]  # type: ignore[valid-type]
StatusCode = Literal[tuple(Status.values)]  # type: ignore[valid-type]
Category = Annotated[str, Field(min_length=1, max_length=40)]


class TargetIn(InSchema):
    dimension: DimensionCode = Field(..., description="sex, age, disability or region.")
    category: Category = Field(
        ...,
        description="sex: female|male; age: 0-5, 6-12, 13-17, 18-24, 25-59, 60+; disability: "
        "with|without; region: a Kemendagri area code, e.g. 32.03.05.2001.",
    )
    label: str = Field("", max_length=200, description="A name, e.g. the village's.")
    value: Value = Field(..., description="The target for this category.")


class TargetOut(Schema):
    dimension: str = Field(..., description="sex, age, disability or region.")
    category: str = Field(..., description="The category's code (a region's area code).")
    label: str = Field(..., description="The category in words, e.g. the village's name.")
    value: DecimalStr = Field(..., description="The target for this category.")


class DisaggregationIn(InSchema):
    dimension: DimensionCode = Field(..., description="sex, age, disability or region.")
    category: Category = Field(..., description="As for targets.")
    label: str = Field("", max_length=200, description="A name, e.g. the village's.")
    numerator: Value = Field(..., description="This category's part of the value.")
    denominator: Value | None = Field(None, description="Its denominator, for a ratio.")


class DisaggregationOut(Schema):
    dimension: str = Field(..., description="sex, age, disability or region.")
    category: str = Field(..., description="The category's code (a region's area code).")
    label: str = Field(..., description="The category in words, e.g. the village's name.")
    numerator: DecimalStr = Field(..., description="This category's part of the value.")
    denominator: DecimalStr | None = Field(..., description="Its denominator, for a ratio.")


class IndicatorIn(InSchema):
    result: Id | None = Field(
        None, description="The result it measures (id); or give result_title to add one."
    )
    result_title: str = Field("", max_length=250, description="A new result's title.")
    result_level: LevelCode = Field("output", description="The new result's level.")
    title: str = Field(..., min_length=1, max_length=250, description="Indicator.")
    description: str = Field("", max_length=5000, description="Definition.")
    measure: MeasureCode = Field("quantitative", description="quantitative or qualitative.")
    unit: UnitCode | Literal[""] = Field("", description="Unit code (quantitative).")
    numerator_label: str = Field("", max_length=200, description="What the numerator counts.")
    denominator_label: str = Field(
        "", max_length=200, description="What the denominator counts; empty for a count."
    )
    factor: Value = Field(Decimal(1), description="value = numerator ÷ denominator × factor.")
    direction: DirectionCode = Field("increase", description="increase or decrease.")
    cumulative: StrictBool = Field(False, description="Each period reports the total to date.")
    baseline_value: Value | None = Field(None, description="Baseline.")
    baseline_date: date | None = Field(None, description="Baseline date.")
    baseline_source: str = Field("", max_length=300, description="Baseline source.")
    reporter: Id = Field(..., description="Reporting partner (membership id).")
    verifier: Id = Field(
        ..., description="Verifying partner (membership id), another organisation."
    )


class IndicatorOut(Schema):
    id: int = Field(..., description="Indicator id.")
    partnership: int = Field(..., description="Partnership id.")
    result: int = Field(..., description="The result it measures (id).")
    result_title: str = Field(..., description="That result's title.")
    level: str = Field(..., description="The result's level: output, outcome or impact.")
    title: str = Field(..., description="Indicator.")
    description: str = Field(..., description="Definition.")
    measure: str = Field(..., description="quantitative or qualitative.")
    unit: str = Field(..., description="Unit code (quantitative), or ''.")
    numerator_label: str = Field(..., description="What the numerator counts.")
    denominator_label: str = Field(..., description="What the denominator counts; '' for a count.")
    factor: DecimalStr = Field(..., description="value = numerator ÷ denominator × factor.")
    direction: str = Field(..., description="increase or decrease (which way is better).")
    cumulative: bool = Field(..., description="Each period reports the total to date.")
    baseline_value: DecimalStr | None = Field(..., description="Baseline.")
    baseline_date: date | None = Field(..., description="Baseline date.")
    baseline_source: str = Field(..., description="Baseline source.")
    reporter: int = Field(..., description="Reporting partner (membership id).")
    verifier: int = Field(..., description="Verifying partner (membership id).")
    status: str = Field(
        ..., description="green (on track), amber, red (off track or report overdue) or grey."
    )
    report_overdue: bool = Field(
        ..., description="A report is past its due date since the latest value (status red)."
    )
    version: int = Field(..., description="Edit version (send it back on changes).")


class PeriodIn(InSchema):
    start: date = Field(..., description="First day.")
    end: date = Field(..., description="Last day.")
    target_value: Value | None = Field(None, description="Target (required when quantitative).")
    target_text: str = Field("", max_length=500, description="Target in words.")
    due_date: date | None = Field(None, description="Report due (default: 30 days after end).")
    targets: list[TargetIn] = Field([], description="Targets per category.")


class PeriodOut(Schema):
    id: int = Field(..., description="Period id.")
    indicator: int = Field(..., description="Indicator id.")
    start: date = Field(..., description="First day.")
    end: date = Field(..., description="Last day.")
    target_value: DecimalStr | None = Field(..., description="Target (quantitative).")
    target_text: str = Field(..., description="Target in words.")
    due_date: date | None = Field(..., description="Report due.")
    actual: DecimalStr | None = Field(None, description="From the approved updates.")
    targets: list[TargetOut] = Field(..., description="Targets per category.")
    version: int = Field(..., description="Edit version (send it back on changes).")


class UpdateIn(InSchema):
    numerator: Value | None = Field(None, description="The value (or numerator of a ratio).")
    denominator: Value | None = Field(None, description="The denominator, for a ratio.")
    narrative: str = Field("", max_length=10000, description="Narrative (qualitative).")
    evidence: Id | None = Field(None, description="A document of the partnership (id).")
    corrects: Id | None = Field(None, description="The approved update this one corrects.")
    disaggregations: list[DisaggregationIn] = Field([], description="The breakdown.")


class UpdateOut(Schema):
    id: int = Field(..., description="Update id.")
    period: int = Field(..., description="Period id.")
    status: StatusCode = Field(..., description="draft, submitted, approved or returned.")
    numerator: DecimalStr | None = Field(..., description="The value (or numerator of a ratio).")
    denominator: DecimalStr | None = Field(..., description="The denominator, for a ratio.")
    value: DecimalStr | None = Field(..., description="numerator ÷ denominator × factor.")
    narrative: str = Field(..., description="Narrative (qualitative).")
    evidence: int | None = Field(..., description="Evidence: a document of the partnership (id).")
    corrects: int | None = Field(..., description="The approved update this one corrects (id).")
    review_comment: str = Field(..., description="The verifier's comment (why it was returned).")
    submitted_at: datetime | None = Field(..., description="When it was submitted.")
    reviewed_at: datetime | None = Field(..., description="When it was approved or returned.")
    disaggregations: list[DisaggregationOut] = Field(..., description="The breakdown.")
    version: int = Field(..., description="Edit version (send it back on changes).")


class TransitionIn(InSchema):
    version: Version | None = Field(None, description="The version you acted on.")
    comment: str = Field("", max_length=5000, description="Comment (required to return).")
