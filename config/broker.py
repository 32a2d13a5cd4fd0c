"""The embedded default's broker: kombu's file-system transport, writing each message atomically.

kombu writes a message file in place, so a worker polling the folder can move and read a file its
producer has created but not yet filled, and fail on an empty message. Here a message is written
under a name no consumer reads (``<name>.msg.partial``) and renamed into place, which is atomic
within one filesystem. ``CELERY_BROKER_URL=filesystem://`` selects it (config/settings.py).
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + ".partial"
        try:
            with open(partial, "wb", buffering=0) as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as error:
            raise ChannelError(f"Cannot add file {final!r} to directory") from error


class Transport(filesystem.Transport):
    Channel = Channel

    @property
    def default_connection_params(self):
        # A folder, not a host: without a default hostname kombu does not warn that none was
        # supplied each time a command sends a task.
        return {}
