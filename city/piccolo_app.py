import os

from piccolo.conf.apps import AppConfig, table_finder

APP_CONFIG = AppConfig(
    app_name="city",
    migrations_folder_path=os.path.join(os.path.dirname(os.path.abspath(__file__)), "piccolo_migrations"),
    table_classes=table_finder(modules=["city.tables", "city.final_tables"], exclude_imported=True),
    migration_dependencies=["contest.piccolo_app"],
)
