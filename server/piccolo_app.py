"""Command-line tasks: ``piccolo server <command>`` (seed, admins, mail, audit, backup and restore)."""

import os

from piccolo.conf.apps import AppConfig

from server.commands import (
    backup,
    create_admin,
    create_commune,
    deliver_mail,
    grant_city_organizer,
    grant_organizer,
    reset_mfa,
    restore,
    seed_demo,
    verify_audit,
)

APP_CONFIG = AppConfig(
    app_name="server",
    migrations_folder_path=os.path.join(os.path.dirname(os.path.abspath(__file__)), "piccolo_migrations"),
    table_classes=[],
    migration_dependencies=["accounts.piccolo_app"],
    commands=[
        seed_demo,
        create_admin,
        create_commune,
        grant_organizer,
        grant_city_organizer,
        reset_mfa,
        deliver_mail,
        verify_audit,
        backup,
        restore,
    ],
)
