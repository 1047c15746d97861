"""The MASH's questions to agencies during triage are MASH enquiries (was ``InformationRequest``).

The table is renamed from ``frontdoor_informationrequest`` to ``frontdoor_mashenquiry``;
every row is kept.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0001_initial")]

    operations = [migrations.RenameModel(old_name="InformationRequest", new_name="MashEnquiry")]
