"""``safeguard link`` on small files: pairs, clusters for every record, clear errors."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

HEADER = "record_id,given_name,family_name,date_of_birth,sex,postcode,address,nhs_number\n"
LEFT = HEADER + (
    "L1,William,Smith,21/11/2010,M,LS6 2AB,12 Church Lane,9434765919\n"
    "L2,Jack,Smith,03/04/2015,M,LS6 2AB,12 Church Lane,\n"
    "L3,Harry,Smith,03/04/2015,M,LS6 2AB,12 Church Lane,\n"
    "L4,Amelia,Khan,09/07/2012,F,BD7 1AA,3 Mill Lane,\n"
)
RIGHT = HEADER + (
    "R1,Bill,Smith,2010-11-21,male,ls62ab,12 Church Ln,\n"
    "R2,Jack,Smith,3 Apr 2015,M,LS6 9XX,8 New Road,\n"  # moved within the district
    "R3,Olivia,Brown,01/01/2001,F,YO1 7HH,1 Minster Yard,\n"
)


@pytest.fixture
def model_file(trained_model, tmp_path):
    return trained_model.save(tmp_path)


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestLinkTwoFiles:
    def test_writes_pairs_above_the_threshold(self, tmp_path, model_file, capsys):
        left, right = _write(tmp_path, "a.csv", LEFT), _write(tmp_path, "b.csv", RIGHT)
        out = tmp_path / "pairs.csv"
        call_command("link", left=str(left), right=str(right), out=str(out), model=str(model_file))
        pairs = pd.read_csv(out, dtype={"left_id": str, "right_id": str})
        assert list(pairs.columns) == ["left_id", "right_id", "match_probability"]
        found = set(zip(pairs["left_id"], pairs["right_id"], strict=True))
        assert ("L1", "R1") in found  # nickname, date written another way
        assert ("L2", "R2") in found  # moved house (within the postcode district)
        assert ("L3", "R2") not in found  # Jack's twin brother
        assert (pairs["match_probability"] >= 0.5).all()
        summary = capsys.readouterr().out
        assert "Linked 4 and 3 records" in summary
        assert summary.count("\n") == 1


class TestDedupeOneFile:
    def test_every_record_gets_a_cluster(self, tmp_path, model_file, capsys):
        both = LEFT + RIGHT.removeprefix(HEADER)
        path = _write(tmp_path, "all.csv", both)
        out = tmp_path / "clusters.csv"
        call_command("link", dedupe=str(path), out=str(out), model=str(model_file))
        clusters = pd.read_csv(out, dtype=str)
        assert list(clusters.columns) == ["record_id", "cluster_id"]
        assert sorted(clusters["record_id"]) == ["L1", "L2", "L3", "L4", "R1", "R2", "R3"]
        cluster = dict(zip(clusters["record_id"], clusters["cluster_id"], strict=True))
        assert cluster["L1"] == cluster["R1"]
        assert cluster["L2"] != cluster["L3"]  # twins stay apart
        assert "Found 5 people in 7 records" in capsys.readouterr().out

    def test_trains_a_model_when_none_is_given(self, tmp_path, synthetic_records, capsys):
        sample = synthetic_records.drop(columns=["person_id", "household_id"]).head(300)
        path = tmp_path / "sample.csv"
        sample.to_csv(path, index=False)
        out = tmp_path / "clusters.csv"
        call_command("link", dedupe=str(path), out=str(out), save_model=True)
        assert len(pd.read_csv(out)) == 300
        assert "Saved model" in capsys.readouterr().err


class TestClearErrors:
    def test_missing_file(self, tmp_path):
        with pytest.raises(CommandError, match="There is no file"):
            call_command("link", dedupe=str(tmp_path / "nope.csv"), out=str(tmp_path / "o.csv"))

    def test_semicolon_separated_file(self, tmp_path):
        path = _write(tmp_path, "semi.csv", HEADER.replace(",", ";") + "1;Amy;Lee;;;;;\n")
        with pytest.raises(CommandError, match="separated by ';'"):
            call_command("link", dedupe=str(path), out=str(tmp_path / "o.csv"))

    def test_unknown_columns(self, tmp_path):
        path = _write(tmp_path, "odd.csv", "record_id,forename,surname\n1,Amy,Lee\n")
        with pytest.raises(CommandError, match="unknown columns forename, surname"):
            call_command("link", dedupe=str(path), out=str(tmp_path / "o.csv"))

    def test_duplicate_record_ids(self, tmp_path):
        path = _write(tmp_path, "dup.csv", "record_id,given_name\n1,Amy\n1,Bea\n")
        with pytest.raises(CommandError, match="more than once"):
            call_command("link", dedupe=str(path), out=str(tmp_path / "o.csv"))

    def test_needs_left_and_right_or_dedupe(self, tmp_path):
        with pytest.raises(CommandError, match="--left and --right"):
            call_command("link", left="a.csv", out=str(tmp_path / "o.csv"))

    def test_the_command_exits_non_zero_without_a_traceback(self, tmp_path):
        path = _write(tmp_path, "semi.csv", HEADER.replace(",", ";"))
        result = subprocess.run(  # noqa: S603 - our own command
            [
                sys.executable,
                "-m",
                "safeguard.cli",
                "link",
                "--dedupe",
                str(path),
                "--out",
                str(tmp_path / "o.csv"),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert result.returncode != 0
        assert "separated by ';'" in result.stderr
        assert "Traceback" not in result.stderr


class TestProgressBar:
    def test_draws_only_on_a_terminal(self):
        import io

        from safeguard.records.management.commands.link import ProgressBar

        terminal, pipe = io.StringIO(), io.StringIO()
        ProgressBar(terminal, enabled=True)("Comparing", 0.5)
        ProgressBar(pipe, enabled=False)("Comparing", 0.5)
        assert "Comparing" in terminal.getvalue()
        assert "#" in terminal.getvalue()
        assert pipe.getvalue() == ""
