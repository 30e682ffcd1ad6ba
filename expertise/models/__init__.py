from .councils import AgendaItem, CouncilMeeting, CouncilMeetingEvent, Presentation
from .experts import Assignment, ConflictDeclaration, ExpertProfile
from .reviews import ExpertiseClosure, Review, ReviewEvent, Score

__all__ = [
    "AgendaItem",
    "Assignment",
    "ConflictDeclaration",
    "CouncilMeeting",
    "CouncilMeetingEvent",
    "ExpertProfile",
    "ExpertiseClosure",
    "Presentation",
    "Review",
    "ReviewEvent",
    "Score",
]
