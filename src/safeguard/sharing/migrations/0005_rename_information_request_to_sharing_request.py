"""One agency's request to another to share about a person is a sharing request.

Renames ``InformationRequest`` to ``SharingRequest`` (table ``sharing_informationrequest``
to ``sharing_sharingrequest``); every row and every decision's link to it is kept.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("sharing", "0004_move_rights_to_rights_app")]

    operations = [
        migrations.RenameModel(old_name="InformationRequest", new_name="SharingRequest"),
        # The indexes' generated names follow the table's new name.
        migrations.RenameIndex(
            model_name="sharingrequest",
            new_name="sharing_sha_to_agen_e245b0_idx",
            old_name="sharing_inf_to_agen_aefdd5_idx",
        ),
        migrations.RenameIndex(
            model_name="sharingrequest",
            new_name="sharing_sha_from_ag_ac3289_idx",
            old_name="sharing_inf_from_ag_911e6a_idx",
        ),
    ]
