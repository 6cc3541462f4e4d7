from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-27T18:33:21:609687"
VERSION = "1.38.0"
DESCRIPTION = "gallery index"


class Idea(Table, tablename="idea"):
    pass


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        # The gallery lists a contest's ideas newest first; this index serves both the
        # filter and the order, so a page reads only the rows it shows.
        await Idea.raw("CREATE INDEX idea_gallery ON idea (contest, submitted_at)")
        # Counting a contest's public ideas (and filtering them) reads this index alone.
        await Idea.raw("CREATE INDEX idea_public ON idea (contest, hidden, status, category, hamlet)")

    async def run_backwards():
        await Idea.raw("DROP INDEX IF EXISTS idea_gallery")
        await Idea.raw("DROP INDEX IF EXISTS idea_public")

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
