from .application import (
    Answer,
    Application,
    ApplicationEvent,
    Attachment,
    ExperienceRow,
    RoadmapEvent,
    SourceRow,
    StaffRow,
    TechnicalCheck,
)
from .calls import Call, CallFile, CallQuestion, ChecklistItem, Criterion, Extension, ExtensionRequest
from .catalogue import DistrictProgramme, StatusKind
from .registry import StatusAward

__all__ = [
    "Answer",
    "Application",
    "ApplicationEvent",
    "Attachment",
    "Call",
    "CallFile",
    "CallQuestion",
    "ChecklistItem",
    "Criterion",
    "DistrictProgramme",
    "ExperienceRow",
    "Extension",
    "ExtensionRequest",
    "RoadmapEvent",
    "SourceRow",
    "StaffRow",
    "StatusAward",
    "StatusKind",
    "TechnicalCheck",
]
