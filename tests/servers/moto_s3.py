"""moto's standalone S3 server with its IAM checks on, for the Amazon S3 reader's tests.

The first ``SETUP_ACTIONS`` requests run unauthenticated (``INITIAL_NO_AUTH_ACTION_COUNT``): they
create two IAM users, a reader (list and get only) and a writer (everything). After that every
request must be signed with one of their keys, as on AWS.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

from tests.servers.ports import free_port, wait_for_port

SETUP_ACTIONS = 6
REGION = "us-east-1"
# moto authorises HeadBucket as its own action "s3:HeadBucket" (AWS checks s3:ListBucket).
READ_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetObject", "s3:HeadBucket"],
            "Resource": "*",
        }
    ],
}
WRITE_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
}


@dataclass
class KeyPair:
    access_key_id: str
    secret_access_key: str


class MotoS3:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.reader: KeyPair | None = None
        self.writer: KeyPair | None = None

    def start(self) -> "MotoS3":
        binary = Path(sys.executable).with_name("moto_server")
        env = {
            **os.environ,
            "INITIAL_NO_AUTH_ACTION_COUNT": str(SETUP_ACTIONS),
            # Path-style only: a host name (the tests' own DNS names) is never read as a bucket.
            "S3_IGNORE_SUBDOMAIN_BUCKETNAME": "true",
        }
        self.process = subprocess.Popen(
            [str(binary), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        wait_for_port(self.port)
        iam = boto3.session.Session().client(
            "iam",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id="AKIASETUPONLY0000000",
            aws_secret_access_key="setup-only",
        )
        self.reader = self._user(iam, "hub-reader", READ_POLICY)
        self.writer = self._user(iam, "hub-writer", WRITE_POLICY)
        return self

    @staticmethod
    def _user(iam, name: str, policy: dict) -> KeyPair:
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="access", PolicyDocument=json.dumps(policy))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return KeyPair(key["AccessKeyId"], key["SecretAccessKey"])

    def client(self, keys: KeyPair | None = None):
        keys = keys or self.writer
        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=keys.access_key_id,
            aws_secret_access_key=keys.secret_access_key,
            config=Config(s3={"addressing_style": "path"}),
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
