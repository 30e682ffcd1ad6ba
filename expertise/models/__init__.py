from .councils import AgendaItem, CouncilMeeting, Presentation
from .experts import Assignment, ConflictDeclaration, ExpertProfile
from .reviews import Review, ReviewEvent, Score

__all__ = [
    "AgendaItem",
    "Assignment",
    "ConflictDeclaration",
    "CouncilMeeting",
    "ExpertProfile",
    "Presentation",
    "Review",
    "ReviewEvent",
    "Score",
]
