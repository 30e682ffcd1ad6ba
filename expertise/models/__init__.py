from .councils import AgendaItem, CouncilMeeting, CouncilMeetingEvent, CouncilMember, Presentation
from .experts import Assignment, ConflictDeclaration, ExpertProfile
from .reviews import Review, ReviewEvent, Score

__all__ = [
    "AgendaItem",
    "Assignment",
    "ConflictDeclaration",
    "CouncilMeeting",
    "CouncilMeetingEvent",
    "CouncilMember",
    "ExpertProfile",
    "Presentation",
    "Review",
    "ReviewEvent",
    "Score",
]
