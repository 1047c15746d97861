"""Run the DfE Children in Need rule validator on one file (inside its own environment).

Prints each issue's rule code, type (0 error, 1 query) and description; exits 1 when the
file has any error (type 0).
"""

import importlib
import sys
import warnings
import xml.etree.ElementTree as ET  # noqa: S405 - our own export

warnings.filterwarnings("ignore")

import pandas as pd  # noqa: E402
from cin_validator import cin_validator  # noqa: E402


def main() -> int:
    """Validate ``argv[1]`` against the ruleset ``argv[2]``."""
    root = ET.parse(sys.argv[1]).getroot()  # noqa: S314 - our own export
    files = cin_validator.process_data(cin_validator.convert_data(root))
    registry = importlib.import_module(f"cin_validator.rules.{sys.argv[2]}").registry
    issues = cin_validator.CinValidator(files, registry, selected_rules=None).full_issue_df
    pd.set_option("display.width", 250)
    pd.set_option("display.max_colwidth", 160)
    if len(issues):
        columns = ["rule_code", "rule_type", "rule_description", "child_id"]
        print(issues[columns].drop_duplicates().to_string(index=False))  # noqa: T201
    errors = int((issues["rule_type"].astype(str) == "0").sum()) if len(issues) else 0
    print(f"{len(issues)} issues, {errors} errors")  # noqa: T201
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
