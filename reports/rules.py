"""Who reads the district's reports: its methodists and its district office (and superusers)."""

import rules

from accounts.rules import can_read_reports, is_district_office_of, is_methodist_of, is_superuser

rules.add_perm("reports.view_reports", can_read_reports)
# The district (an accounts.District) whose dashboard and downloads are asked for.
rules.add_perm("reports.read_district", is_superuser | is_methodist_of | is_district_office_of)
