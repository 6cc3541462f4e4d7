"""Mentoring pages: the mentor directory and applications, a person's mentoring page with requests,
mentorships and office hours, workshops, and the organizer's mentoring, matching and pipeline pages."""

from server.controllers.mentoring.hub import MentoringHubController
from server.controllers.mentoring.matching import OrganizerMatchingController
from server.controllers.mentoring.mentors import MentorsController
from server.controllers.mentoring.mentorships import MentorshipsController
from server.controllers.mentoring.office_hours import OfficeHoursController
from server.controllers.mentoring.organizer import OrganizerMentoringController
from server.controllers.mentoring.pipeline import OrganizerPipelineController
from server.controllers.mentoring.workshops import WorkshopsController

CONTROLLERS = [
    MentorsController,
    MentoringHubController,
    MentorshipsController,
    OfficeHoursController,
    WorkshopsController,
    OrganizerMentoringController,
    OrganizerMatchingController,
    OrganizerPipelineController,
]
