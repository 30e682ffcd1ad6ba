from .councils import AgendaItem, CouncilMeeting, CouncilMeetingEvent, CouncilMember, Presentation
from .experts import Assignment, ConflictDeclaration, ExpertProfile
from .reviews import ExpertiseClosure, Review, ReviewEvent, Score

__all__ = [
    "AgendaItem",
    "Assignment",
    "ConflictDeclaration",
    "CouncilMeeting",
    "CouncilMeetingEvent",
    "CouncilMember",
    "ExpertProfile",
    "ExpertiseClosure",
    "Presentation",
    "Review",
    "ReviewEvent",
    "Score",
]
