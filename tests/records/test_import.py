import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from safeguard.core.models import AuditEvent
from safeguard.people.access import AccessDenied
from safeguard.people.models import Person
from safeguard.records.models import AgencyRecord, LinkReview, LinkStatus, RecordImport
from safeguard.records.parsing import UploadError
from safeguard.records.services import records_import_file
from tests.factories import PersonFactory, valid_nhs_number

from .helpers import csv_bytes, xlsx_bytes

SPREADSHEET_DATE = dt.datetime(2015, 4, 3)  # noqa: DTZ001 - spreadsheet dates have no zone
NHS = valid_nhs_number(1)


@pytest.fixture
def ava(db):
    person = PersonFactory(
        given_name="Ava", family_name="Smith", date_of_birth=dt.date(2015, 4, 3), nhs_number=NHS
    )
    return person


ROWS = [
    ["P1", "Ava", "Smith", "03/04/2015", "F", "1 Main St", "YO1 1AA", NHS],  # NHS number: linked
    ["P2", "Leo", "Hill", "01/02/2012", "M", "", "YO10 3BB", ""],  # nobody like him: new person
    ["", "Mia", "Shaw", "01/02/2012", "F", "", "", ""],  # no reference: left out
    ["P4", "Theo", "Ward", "31/02/2013", "M", "", "", ""],  # not a date: left out
]


class TestImport:
    def test_good_rows_import_and_bad_rows_are_reported_row_by_row(self, mash_worker, police, ava):
        result = records_import_file(
            by=mash_worker, agency=police, file_name="x.csv", content=csv_bytes(ROWS)
        )
        assert (result.created, result.rejected) == (2, 2)
        assert [(p["row"], p["column"]) for p in result.problems] == [(4, "Ref"), (5, "DOB")]
        assert "not a real date" in result.problems[1]["message"]
        linked = AgencyRecord.objects.get(agency_record_id="P1")
        assert linked.person == ava
        assert linked.link_status == LinkStatus.AUTO_LINKED
        assert linked.model_version == "stand-in-1"
        new = AgencyRecord.objects.get(agency_record_id="P2")
        assert new.link_status == LinkStatus.NEW_PERSON
        assert new.person.full_name == "Leo Hill"
        assert new.person.current_postcode == "YO10 3BB"
        assert new.raw["Forename"] == "Leo"
        assert new.date_of_birth_text == "01/02/2012"

    def test_reimporting_the_same_extract_changes_nothing(self, mash_worker, police, ava):
        content = csv_bytes(ROWS)
        records_import_file(by=mash_worker, agency=police, file_name="x.csv", content=content)
        before = {
            "records": list(
                AgencyRecord.objects.order_by("pk").values_list(
                    "pk", "updated_at", "person_id", "link_status"
                )
            ),
            "people": Person.objects.count(),
            "reviews": LinkReview.objects.count(),
        }
        audit_before = AuditEvent.objects.filter(object_type__startswith="agency_record").count()
        again = records_import_file(
            by=mash_worker, agency=police, file_name="x.csv", content=content
        )
        assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 2, 2)
        after = {
            "records": list(
                AgencyRecord.objects.order_by("pk").values_list(
                    "pk", "updated_at", "person_id", "link_status"
                )
            ),
            "people": Person.objects.count(),
            "reviews": LinkReview.objects.count(),
        }
        assert after == before
        assert (
            AuditEvent.objects.filter(object_type__startswith="agency_record").count()
            == audit_before
        )

    def test_a_changed_row_updates_the_record_and_keeps_its_link(self, mash_worker, police, ava):
        records_import_file(
            by=mash_worker, agency=police, file_name="x.csv", content=csv_bytes(ROWS[:1])
        )
        moved = [["P1", "Ava", "Smith", "03/04/2015", "F", "9 New Road", "YO24 1AB", NHS]]
        result = records_import_file(
            by=mash_worker, agency=police, file_name="x.csv", content=csv_bytes(moved)
        )
        assert (result.created, result.updated) == (0, 1)
        record = AgencyRecord.objects.get(agency_record_id="P1")
        assert (record.postcode, record.person) == ("YO24 1AB", ava)
        change = AuditEvent.objects.filter(object_type="agency_record", action="update").get()
        assert change.changes["postcode"] == {"before": "YO1 1AA", "after": "YO24 1AB"}

    def test_the_same_reference_in_another_agency_is_another_record(
        self, mash_worker, police, school, ava
    ):
        records_import_file(
            by=mash_worker, agency=police, file_name="x.csv", content=csv_bytes(ROWS[:1])
        )
        records_import_file(
            by=mash_worker, agency=school, file_name="x.csv", content=csv_bytes(ROWS[:1])
        )
        assert AgencyRecord.objects.filter(agency_record_id="P1").count() == 2
        assert set(AgencyRecord.objects.values_list("person_id", flat=True)) == {ava.pk}

    def test_an_xlsx_extract_imports_like_a_csv(self, mash_worker, school, ava):
        rows = [["S1", "Ava", "Smith", SPREADSHEET_DATE, "Female", "", "", int(NHS)]]
        result = records_import_file(
            by=mash_worker, agency=school, file_name="pupils.xlsx", content=xlsx_bytes(rows)
        )
        assert result.created == 1
        assert AgencyRecord.objects.get().person == ava

    def test_only_mash_staff_can_import(self, practitioner, police):
        with pytest.raises(AccessDenied):
            records_import_file(
                by=practitioner, agency=police, file_name="x.csv", content=csv_bytes(ROWS)
            )

    def test_an_unknown_column_set_is_refused(self, mash_worker, police):
        with pytest.raises(UploadError, match="agency's own reference"):
            records_import_file(
                by=mash_worker,
                agency=police,
                file_name="x.csv",
                content=csv_bytes([["a", "b"]], header=["Colour", "Size"]),
            )


class TestImportCommand:
    def test_the_command_imports_reports_problems_and_is_idempotent(
        self, police, ava, tmp_path, capsys
    ):
        path = tmp_path / "police.csv"
        path.write_bytes(csv_bytes(ROWS))
        call_command("import_records", "--agency", "nyp", "--file", str(path))
        out = capsys.readouterr()
        assert "2 new, 0 changed, 0 unchanged, 2 left out" in out.out
        assert "1 linked automatically" in out.out
        assert "row 4, column 'Ref': The agency's reference is missing (left out)" in out.err
        call_command("import_records", "--agency", "nyp", "--file", str(path))
        assert "0 new, 0 changed, 2 unchanged" in capsys.readouterr().out
        assert RecordImport.objects.count() == 2

    def test_the_command_takes_a_mapping(self, police, tmp_path, capsys):
        path = tmp_path / "odd.csv"
        path.write_bytes(csv_bytes([["X1", "Leo", "Hill"]], header=["Nominal", "Name 1", "Name 2"]))
        call_command(
            "import_records",
            "--agency",
            "nyp",
            "--file",
            str(path),
            "--mapping",
            "Nominal=agency_record_id,Name 1=given_name,Name 2=family_name",
        )
        assert AgencyRecord.objects.get().full_name == "Leo Hill"

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--agency", "nobody", "--file", "x.csv"], "No agency"),
            (["--agency", "nyp", "--file", "/no/such/file.csv"], "No such file"),
        ],
    )
    def test_the_command_fails_clearly(self, police, args, message):
        with pytest.raises(CommandError, match=message):
            call_command("import_records", *args)
