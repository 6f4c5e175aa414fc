"""The documentation keeps up with the code: every behavioural parameter is in docs/MODEL.md."""

from __future__ import annotations

from sim.scenario import key_reference
from tests.helpers import ROOT

BEHAVIORAL = {
    "customers", "demand", "conversation", "sales", "satisfaction", "churn", "employees",
    "policy", "outbound", "money", "shifts",
}  # fmt: skip


def test_model_doc_names_every_behavioral_parameter() -> None:
    text = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8")
    keys = [r["key"] for r in key_reference() if r["key"].split(".")[0] in BEHAVIORAL]
    assert len(keys) > 80
    missing = [k for k in keys if k.split(".")[-1] not in text]
    assert not missing, f"document these in docs/MODEL.md: {missing}"


def test_model_doc_is_odd_structured() -> None:
    text = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8")
    for heading in (
        "Purpose and patterns",
        "Entities, state variables and scales",
        "Process overview and scheduling",
        "Design concepts",
        "Initialization",
        "Input data",
        "Submodels",
    ):
        assert heading in text, heading


def test_model_doc_embeds_the_ranges_the_uncertainty_analysis_draws_from() -> None:
    """docs/MODEL.md "Ranges for what nobody has measured" is experiments/ranges.toml."""
    import sim
    from sim.experiments.ranges import ranges_markdown, read_ranges

    base = sim.load_scenario(ROOT / "experiments" / "scenarios" / "baseline.toml").model_dump()
    ranges, _ = read_ranges(ROOT / "experiments" / "ranges.toml")
    text = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8")
    assert ranges_markdown(ranges, base) in text, (
        "paste ranges_markdown(read_ranges(experiments/ranges.toml), baseline) into "
        "docs/MODEL.md, 'Ranges for what nobody has measured'"
    )
