"""``safeguard openreferral``: export to a file, import it back, refuse a bad file with every problem."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from safeguard.directory.models import Service

pytestmark = pytest.mark.django_db


def test_export_then_import_into_an_empty_directory(york, tmp_path):
    out = tmp_path / "services.json"
    call_command("openreferral", "export", str(out), stdout=StringIO())
    assert len(json.loads(out.read_text())) == 7
    Service.objects.all().delete()
    said = StringIO()
    call_command("openreferral", "import", str(out), stdout=said)
    assert "Imported 7 new and 0 changed services." in said.getvalue()


def test_a_bad_file_imports_nothing_and_lists_each_problem(db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "1", "status": "open"}]))
    with pytest.raises(CommandError) as refused:
        call_command("openreferral", "import", str(bad))
    message = str(refused.value)
    assert "Nothing was imported" in message
    assert "the id '1' is not a UUID" in message
    assert "the name is missing" in message
    assert Service.objects.count() == 0


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("openreferral", "import", str(tmp_path / "nope.json"))
