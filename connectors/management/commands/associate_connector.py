from connectors import services
from connectors.management.base import CollectionMemberCommand


class Command(CollectionMemberCommand):
    help = "Attach a connector to a collection (an imed connector syncs at once)."

    def handle(self, *args, workspace, connector, collection, **options):
        found, chosen = self.connector_and_collection(workspace, connector, collection)
        services.connector_associate(actor=None, connector=found, collection=chosen)
        self.stdout.write(f"{found.name} is in collection {chosen.name}.")
