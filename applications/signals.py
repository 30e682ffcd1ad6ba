"""What applications tells the apps built on it, without importing them (they import applications).

`back_to_council(application=…)`: a revised application that a council returned is in
expertise again; the expertise app puts it on the council's next agenda and answers with the
agenda item (or None when no meeting is scheduled yet).
"""

from django.dispatch import Signal

back_to_council = Signal()
