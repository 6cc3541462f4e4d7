import os

from piccolo.conf.apps import AppConfig, table_finder

from contest.commands import verify_votes

APP_CONFIG = AppConfig(
    app_name="contest",
    migrations_folder_path=os.path.join(os.path.dirname(os.path.abspath(__file__)), "piccolo_migrations"),
    table_classes=table_finder(modules=["contest.tables"], exclude_imported=True),
    migration_dependencies=["accounts.piccolo_app"],
    commands=[verify_votes],
)
