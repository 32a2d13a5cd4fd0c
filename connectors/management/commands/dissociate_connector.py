from connectors import services
from connectors.management.base import CollectionMemberCommand


class Command(CollectionMemberCommand):
    help = "Detach a connector from a collection (the connector stays in the workspace)."

    def handle(self, *args, workspace, connector, collection, **options):
        found, chosen = self.connector_and_collection(workspace, connector, collection)
        if services.connector_dissociate(actor=None, connector=found, collection=chosen):
            self.stdout.write(f"{found.name} is no longer in collection {chosen.name}.")
        else:
            self.stdout.write(f"{found.name} was not in collection {chosen.name}.")
