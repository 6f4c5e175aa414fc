"""No results folder can mislead (issue #19): a broken, edited or foreign folder is refused by
`ccsim report` and `ccsim talk` in one line naming the file or option (exit 2, nothing
written); a partial one is reported with a plain statement first in its headline."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli.commands import main
from sim.experiments import load_experiment
from sim.experiments.execution import run_experiment
from sim.report import write_report, write_talk
from sim.report.language import Language
from sim.report.report import context
from sim.report.results import load_results
from sim.report.talk import slides
from tests.helpers import SCENARIOS

EXPERIMENT = {
    "name": "folders",
    "scenario": str(SCENARIOS / "baseline.toml"),
    "replications": 2,
    "seed": 1,
    "base": {
        "calendar.days": 1,
        "calendar.warmup_days": 0,
        "customers.population": 5000,
    },
    "variants": {p: {"policy.name": p} for p in ("aht", "quality")},
}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One small compare folder, one interrupted after two of its four runs, one single run."""
    root = tmp_path_factory.mktemp("folders")
    sim.compare(EXPERIMENT, out=root / "compare", workers=1)
    with pytest.raises(KeyboardInterrupt):
        run_experiment(load_experiment(EXPERIMENT), root / "interrupted", 1, stop_after=2)
    days = ["--set", "calendar.days=1", "--set", "calendar.warmup_days=0"]
    small = ["--set", "customers.population=5000"]
    scenario = str(SCENARIOS / "baseline.toml")
    assert main(["run", scenario, *days, *small, "--out", str(root / "run")]) == 0
    return {"compare": root / "compare", "interrupted": root / "interrupted", "run": root / "run"}


def copy(made: dict[str, Path], which: str, tmp_path: Path) -> Path:
    folder = tmp_path / which
    shutil.copytree(made[which], folder)
    return folder


# --- what each malformed folder is made by ------------------------------------------------


def manifest_edit(change: Callable[[dict], object]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / "manifest.json"
        data = json.loads(path.read_text())
        result = change(data)
        path.write_text(json.dumps(result if isinstance(result, list) else data))

    return edit


def runs_edit(change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / "runs.parquet"
        path.unlink(missing_ok=False)
        change(pd.read_parquet(folder.parent / "original-runs.parquet")).to_parquet(path)

    return edit


def write(name: str, text: str | bytes) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)

    return edit


def truncate(name: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / name
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

    return edit


def remove(name: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    return edit


def parquet_without(name: str, column: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / name
        pd.read_parquet(path).drop(columns=[column]).to_parquet(path)

    return edit


def journal_edit(folder: Path) -> None:
    """A journal record's profit changed (as before a resume), its days left as they were."""
    path = sorted((folder / "runs").glob("*.json"))[0]
    record = json.loads(path.read_text())
    record["kpis"]["profit_after_churn"] *= 10
    path.write_text(json.dumps(record))
    runs = pd.read_parquet(folder / "runs.parquet")  # and the table rebuilt from it
    runs.loc[runs["run_id"] == record["run_id"], "profit_after_churn"] *= 10
    runs.to_parquet(folder / "runs.parquet")


def journal_file(folder: Path) -> None:
    shutil.rmtree(folder / "runs")
    (folder / "runs").write_text("not a folder")


def unreadable_record(folder: Path) -> None:
    sorted((folder / "runs").glob("*.json"))[0].write_text("{truncated")


def times_ten(runs: pd.DataFrame) -> pd.DataFrame:
    runs.loc[runs["variant"] == "aht", "profit_after_churn"] *= 10
    return runs


def with_value(column: str, value: object) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def change(runs: pd.DataFrame) -> pd.DataFrame:
        runs[column] = runs[column].astype(str) if isinstance(value, str) else runs[column]
        runs.loc[runs.index[0], column] = value
        return runs

    return change


def all_nan(runs: pd.DataFrame) -> pd.DataFrame:
    return runs.assign(profit_after_churn=np.nan)


def set_calendar_days(data: dict) -> None:
    data["base_scenario"]["calendar"]["days"] = "two"


MALFORMED: dict[str, tuple[Callable[[Path], None], str]] = {
    "manifest is a list": (manifest_edit(lambda d: [d]), "manifest.json"),
    "manifest is truncated": (truncate("manifest.json"), "manifest.json"),
    "replications three": (manifest_edit(lambda d: d.update(replications="three")), "replications"),
    "no replications": (manifest_edit(lambda d: d.pop("replications")), "replications"),
    "no base_scenario": (manifest_edit(lambda d: d.pop("base_scenario")), "base_scenario"),
    "variants a list": (manifest_edit(lambda d: d.update(variants=["aht"])), "variants"),
    "design_points a text": (manifest_edit(lambda d: d.update(design_points="x")), "design_points"),
    "calendar days a text": (manifest_edit(set_calendar_days), "calendar.days"),
    "no runs.parquet": (remove("runs.parquet"), "runs.parquet"),
    "runs.parquet truncated": (truncate("runs.parquet"), "runs.parquet"),
    "runs.parquet foreign": (write("runs.parquet", b"PAR1 this is no table PAR1"), "runs.parquet"),
    "runs.parquet a csv": (write("runs.parquet", "a,b\n1,2\n"), "runs.parquet"),
    "runs without variant": (parquet_without("runs.parquet", "variant"), "runs.parquet"),
    "runs duplicated": (runs_edit(lambda r: pd.concat([r, r.iloc[:1]])), "runs.parquet"),
    "profits times ten": (runs_edit(times_ten), "runs.parquet"),
    "profit all NaN": (runs_edit(all_nan), "runs.parquet"),
    "profit infinite": (runs_edit(with_value("profit_after_churn", np.inf)), "runs.parquet"),
    "profit a word": (runs_edit(with_value("profit_after_churn", "lots")), "runs.parquet"),
    "unknown variant": (runs_edit(with_value("variant", "magic")), "runs.parquet"),
    "replication out of range": (runs_edit(with_value("replication", 7)), "runs.parquet"),
    "summary.csv garbage": (write("summary.csv", 'x"y\n\x00\x01,,\n'), "summary.csv"),
    "winners.csv garbage": (write("winners.csv", "nothing,here\n1,2\n"), "winners.csv"),
    "sensitivity.csv garbage": (write("sensitivity.csv", "a\n1\n"), "sensitivity.csv"),
    "decomposition.csv garbage": (write("decomposition.csv", "a,b\n1,2\n"), "decomposition.csv"),
    "uncertainty.json corrupt": (write("uncertainty.json", "{"), "uncertainty.json"),
    "daily.parquet truncated": (truncate("daily.parquet"), "daily.parquet"),
    "daily without day": (parquet_without("daily.parquet", "day"), "daily.parquet"),
    "day_profile truncated": (truncate("day_profile.parquet"), "day_profile.parquet"),
    "runs/ a file": (journal_file, "runs"),
    "journal record unreadable": (unreadable_record, "runs/"),
    "journal record edited": (journal_edit, "runs/"),
}

RUN_MALFORMED: dict[str, tuple[Callable[[Path], None], str]] = {
    "kpis.json corrupt": (write("kpis.json", '{"offered": 1'), "kpis.json"),
    "kpis.json a list": (write("kpis.json", "[1, 2]"), "kpis.json"),
    "kpis.json a word": (write("kpis.json", '{"profit_after_churn": "much"}'), "kpis.json"),
    "run profit times ten": (
        lambda f: (f / "kpis.json").write_text(
            json.dumps(
                {
                    **json.loads((f / "kpis.json").read_text()),
                    "profit_after_churn": 10
                    * json.loads((f / "kpis.json").read_text())["profit_after_churn"],
                }
            )
        ),
        "kpis.json",
    ),
    "run manifest without scenario": (manifest_edit(lambda d: d.pop("scenario")), "scenario"),
    "run daily truncated": (truncate("daily.parquet"), "daily.parquet"),
    "run intervals truncated": (truncate("intervals.parquet"), "intervals.parquet"),
}


def refused(folder: Path, command: str, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """Run the command on `folder`; it must end in exit 2 with one line, and write nothing."""
    before = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    code = main([command, str(folder), *extra])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("ccsim: error:") and err.count("\n") == 1, err
    assert "unexpected" not in err and "Traceback" not in err
    after = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    assert after == before  # no report, talk or temporary file left behind
    return err


@pytest.mark.parametrize("case", list(MALFORMED))
@pytest.mark.parametrize("command", ["report", "talk"])
def test_a_malformed_folder_is_refused_naming_the_file(
    made: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    command: str,
) -> None:
    folder = copy(made, "compare", tmp_path)
    shutil.copy(folder / "runs.parquet", tmp_path / "original-runs.parquet")
    edit, named = MALFORMED[case]
    edit(folder)
    assert named in refused(folder, command, capsys)


@pytest.mark.parametrize("case", list(RUN_MALFORMED))
@pytest.mark.parametrize("command", ["report", "talk"])
def test_a_malformed_run_folder_is_refused_naming_the_file(
    made: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: str,
    command: str,
) -> None:
    folder = copy(made, "run", tmp_path)
    edit, named = RUN_MALFORMED[case]
    edit(folder)
    assert named in refused(folder, command, capsys)


def test_edited_profits_are_named_as_an_edit(made: dict[str, Path], tmp_path: Path) -> None:
    folder = copy(made, "compare", tmp_path)
    runs = pd.read_parquet(folder / "runs.parquet")
    times_ten(runs).to_parquet(folder / "runs.parquet")
    with pytest.raises(sim.errors.UsageError, match=r"differs from the journal .* for 2 runs"):
        load_results(folder)


def test_an_output_that_cannot_be_written_is_refused(
    made: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = copy(made, "compare", tmp_path)
    (tmp_path / "a-folder").mkdir()
    (tmp_path / "a-file").write_text("")
    assert "--out" in refused(folder, "report", capsys, "--out", str(tmp_path / "a-folder"))
    assert "--out" in refused(folder, "talk", capsys, "--out", str(tmp_path / "a-folder"))
    assert "--png" in refused(folder, "talk", capsys, "--png", str(tmp_path / "a-file"))
    under = str(tmp_path / "a-file" / "report.html")
    assert "--out" in refused(folder, "report", capsys, "--out", under)


def test_the_small_folders_are_reported(made: dict[str, Path], tmp_path: Path) -> None:
    for which in ("compare", "run"):
        folder = copy(made, which, tmp_path)
        assert load_results(folder).notes == []
        assert write_report(folder).is_file() and write_talk(folder)[0].is_file()


# --- a partial folder: said first ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "first", "missing"),
    [
        (
            "en",
            "Incomplete: 2 of 4 runs finished (the experiment was interrupted).",
            "Quality-driven 0 of 2 runs",
        ),
        (
            "nl",
            "Onvolledig: 2 van 4 simulaties zijn klaar (het experiment is onderbroken).",
            "Gestuurd op kwaliteit 0 van 2 simulaties",
        ),
    ],
)
def test_an_interrupted_experiment_says_so_first(
    made: dict[str, Path], lang: str, first: str, missing: str
) -> None:
    results = load_results(made["interrupted"])
    language = Language(lang)
    page = context(results, language)
    assert page["headline"].startswith(first)
    assert missing in page["headline"]
    deck = slides(results, language)
    assert deck[0].text.startswith(first) and missing in deck[0].text
    html = write_report(made["interrupted"], lang, made["interrupted"].parent / f"r-{lang}.html")
    text = html.read_text(encoding="utf-8")
    assert text.index(first) < text.index('class="meta"')  # the first thing under the title


def test_a_folder_without_its_journal_is_reported_as_unchecked(
    made: dict[str, Path], tmp_path: Path
) -> None:
    folder = copy(made, "compare", tmp_path)
    shutil.rmtree(folder / "runs")
    page = context(load_results(folder), Language("en"))
    assert page["headline"].startswith("Unchecked: this folder has no journal (runs/)")


# --- braces in spliced values ---------------------------------------------------------------


def test_a_currency_with_braces_is_refused_by_the_scenario() -> None:
    with pytest.raises(sim.errors.ScenarioError, match=r"money.currency = '\{x\}': 1 to 5"):
        sim.load_scenario(SCENARIOS / "baseline.toml", {"money.currency": "{x}"})
    assert sim.load_scenario(SCENARIOS / "baseline.toml", {"money.currency": "US$"})


def test_braces_in_spliced_values_do_not_break_the_report(
    made: dict[str, Path], tmp_path: Path
) -> None:
    folder = copy(made, "compare", tmp_path)
    manifest_edit(lambda d: d["base_scenario"]["money"].update(currency="{x}"))(folder)
    path = write_report(folder)
    assert "{x}" in path.read_text(encoding="utf-8")
    lang = Language("en", "a}{b")
    assert lang("headline_run", policy="{winner}", value=lang.money(5), sl="1%").startswith(
        "{winner}: a}{b 5"
    )


def test_one_paired_run_is_too_few_for_a_verdict(made: dict[str, Path], tmp_path: Path) -> None:
    folder = copy(made, "compare", tmp_path)
    runs = pd.read_parquet(folder / "runs.parquet")
    keep = runs[runs["replication"] == 0]
    keep.to_parquet(folder / "runs.parquet")
    page = context(load_results(folder), Language("en"))
    assert "Too few paired runs to tell which is better" in page["headline"]
    assert "n/a" not in page["headline"] and "includes zero" not in page["headline"]
    assert page["headline"].startswith("Incomplete: 2 of 4 runs finished")


def consistent_edit(folder: Path) -> str:
    """A journal record's revenue changed in its totals and in its first day alike."""
    path = sorted((folder / "runs").glob("*.json"))[0]
    record = json.loads(path.read_text())
    record["kpis"]["revenue"] += 1000.0
    record["daily"][0]["revenue"] += 1000.0
    path.write_text(json.dumps(record))
    return path.name


def test_a_journal_record_edited_consistently_is_caught_by_its_digest(
    made: dict[str, Path], tmp_path: Path
) -> None:
    folder = copy(made, "compare", tmp_path)
    name = consistent_edit(folder)
    with pytest.raises(sim.errors.UsageError, match=rf"runs/{name}.*digest does not match"):
        load_results(folder)


def test_a_resume_refuses_a_journal_record_edited_after_its_run(
    made: dict[str, Path], tmp_path: Path
) -> None:
    folder = copy(made, "interrupted", tmp_path)
    name = consistent_edit(folder)
    with pytest.raises(sim.errors.ExperimentError, match=rf"{name}.*edited after its run"):
        run_experiment(load_experiment(EXPERIMENT), folder, 1)


def undigested_edit(folder: Path) -> str:
    """A journal record's profit changed and its digest removed."""
    path = sorted((folder / "runs").glob("*.json"))[0]
    record = json.loads(path.read_text())
    record["kpis"]["profit"] = 123456789.0
    del record["digest"]
    path.write_text(json.dumps(record))
    return path.name


def test_a_resume_refuses_a_journal_record_without_its_digest(
    made: dict[str, Path], tmp_path: Path
) -> None:
    folder = copy(made, "compare", tmp_path)
    name = undigested_edit(folder)
    with pytest.raises(sim.errors.ExperimentError, match=rf"{name}.*has no digest"):
        run_experiment(load_experiment(EXPERIMENT), folder, 1)


def test_a_report_says_when_journal_records_carry_no_digest(
    made: dict[str, Path], tmp_path: Path
) -> None:
    folder = copy(made, "compare", tmp_path)
    for path in (folder / "runs").glob("*.json"):  # as an older ccsim wrote them
        record = json.loads(path.read_text())
        del record["digest"]
        path.write_text(json.dumps(record))
    page = context(load_results(folder), Language("en"))
    assert page["headline"].startswith("Unchecked: 4 of the journal's records carry no digest")
