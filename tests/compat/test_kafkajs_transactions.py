"""kafkajs (2.x, on node) transactions against Samsa: a transactional producer commits and
aborts, a read_committed group consumer sees the committed records only and a
read_uncommitted one all of them; ``sendOffsets`` commits a group's offsets with a
transaction (and an abort leaves them where they were), in a consume-transform-produce loop.

kafkajs speaks InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn and TxnOffsetCommit
up to v1, FindCoordinator up to v2, Fetch up to v11 and ListOffsets up to v3, Produce up to v7.

kafkajs is found the way node finds it (``NODE_PATH`` or a ``node_modules`` above the working
directory; ``npm install kafkajs@2``); the test is skipped without node or kafkajs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from broker import Broker

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.samsa_config(**{"group.initial.rebalance.delay.ms": 0}),
]

#: How long the node script may run (it connects several clients, each in about a second).
SCRIPT_TIMEOUT_S = 90.0

NODE = shutil.which("node")


def _kafkajs_missing() -> str | None:
    if NODE is None:
        return "node is not installed"
    probe = subprocess.run(
        [NODE, "-e", "require.resolve('kafkajs')"], capture_output=True, timeout=30
    )
    return None if probe.returncode == 0 else "kafkajs is not installed (npm install kafkajs@2)"


@pytest.fixture(scope="module")
def broker(module_broker: Broker) -> Broker:
    reason = _kafkajs_missing()
    if reason is not None:
        pytest.skip(reason)
    return module_broker


SCRIPT = r"""
const { Kafka, logLevel } = require('kafkajs')

const [bootstrap, scenario] = process.argv.slice(2)
const kafka = new Kafka({ clientId: 'samsa-js', brokers: bootstrap.split(','),
                          logLevel: logLevel.NOTHING })

async function createTopics(names) {
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: 1 })),
                             waitForLeaders: true })
  await admin.disconnect()
}

// Values of topic from the start: `expected` of them, then nothing more for a while.
async function readAll(topic, readUncommitted, expected, groupId) {
  const consumer = kafka.consumer({ groupId, readUncommitted, maxWaitTimeInMs: 100 })
  await consumer.connect()
  await consumer.subscribe({ topics: [topic], fromBeginning: true })
  const got = []
  await consumer.run({ autoCommit: false,
                       eachMessage: async ({ message }) => { got.push(message.value.toString()) } })
  const deadline = Date.now() + 30000
  while (got.length < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  await new Promise((r) => setTimeout(r, 500))  // nothing more arrives
  await consumer.disconnect()
  return got
}

function txnProducer(transactionalId) {
  return kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 })
}

async function committedOffset(groupId, topic) {
  const admin = kafka.admin()
  await admin.connect()
  const [result] = await admin.fetchOffsets({ groupId, topics: [topic] })
  await admin.disconnect()
  return Number(result.partitions[0].offset)
}

async function commitAbort() {
  await createTopics(['js-txn'])
  const producer = txnProducer('js-txn')
  await producer.connect()
  const committed = []
  const everything = []
  for (let t = 0; t < 4; t++) {
    const values = [...Array(5).keys()].map((i) => `t${t}-${i}`)
    const txn = await producer.transaction()
    await txn.send({ topic: 'js-txn', messages: values.map((value) => ({ value })) })
    everything.push(...values)
    if (t % 2 === 0) { await txn.commit(); committed.push(...values) } else { await txn.abort() }
  }
  await producer.disconnect()
  return {
    committed, everything,
    readCommitted: await readAll('js-txn', false, committed.length, 'js-reader-rc'),
    readUncommitted: await readAll('js-txn', true, everything.length, 'js-reader-ru'),
  }
}

async function sendOffsets() {
  await createTopics(['js-ctp-in', 'js-ctp-out'])
  const plain = kafka.producer()
  await plain.connect()
  await plain.send({ topic: 'js-ctp-in',
                     messages: [...Array(20).keys()].map((i) => ({ value: `in-${i}` })) })
  await plain.disconnect()
  const group = 'js-ctp'
  const producer = txnProducer('js-ctp')
  await producer.connect()
  const committedAfter = []
  // Consume from the group's committed offset, transform, produce and commit the input
  // offsets in one transaction; the second round aborts.
  for (const [count, commit] of [[8, true], [8, false], [12, true]]) {
    const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100 })
    await consumer.connect()
    await consumer.subscribe({ topics: ['js-ctp-in'], fromBeginning: true })
    const batch = []
    await consumer.run({ autoCommit: false, eachMessage: async ({ message }) => {
      if (batch.length < count) batch.push(message)
    } })
    const deadline = Date.now() + 30000
    while (batch.length < count && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
    }
    await consumer.disconnect()
    if (batch.length < count) throw new Error(`consumed ${batch.length} of ${count}`)
    const txn = await producer.transaction()
    await txn.send({ topic: 'js-ctp-out',
                     messages: batch.map((m) => ({ value: m.value.toString().toUpperCase() })) })
    const next = (BigInt(batch[batch.length - 1].offset) + 1n).toString()
    const partitions = [{ partition: 0, offset: next }]
    await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic: 'js-ctp-in', partitions }] })
    if (commit) {
      await txn.commit()
      // The offsets become visible with the transaction's marker, after EndTxn: wait for them.
      const until = Date.now() + 30000
      while ((await committedOffset(group, 'js-ctp-in')) !== Number(next) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50))
      }
    } else {
      await txn.abort()
    }
    committedAfter.push(await committedOffset(group, 'js-ctp-in'))
  }
  await producer.disconnect()
  return { committedAfter, output: await readAll('js-ctp-out', false, 20, 'js-reader-out') }
}

const scenarios = { commitAbort, sendOffsets }
scenarios[scenario]().then(
  (result) => { console.log(JSON.stringify(result)); process.exit(0) },
  (err) => { console.error(String(err && err.stack || err)); process.exit(1) })
"""


def run_scenario(broker: Broker, tmp_path: Path, scenario: str) -> Any:
    assert NODE is not None
    script = tmp_path / "txn.js"
    script.write_text(SCRIPT)
    done = subprocess.run(
        [NODE, str(script), broker.bootstrap_servers, scenario],
        capture_output=True,
        timeout=SCRIPT_TIMEOUT_S,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_commits_are_seen_read_committed_and_aborts_only_read_uncommitted(
    broker: Broker, tmp_path: Path
) -> None:
    result = run_scenario(broker, tmp_path, "commitAbort")
    assert result["readCommitted"] == result["committed"]
    assert result["readUncommitted"] == result["everything"]


def test_send_offsets_commits_input_offsets_with_the_transaction(
    broker: Broker, tmp_path: Path
) -> None:
    result = run_scenario(broker, tmp_path, "sendOffsets")
    # 8 committed, then an abort that leaves them at 8, then 12 more.
    assert result["committedAfter"] == [8, 8, 20]
    assert result["output"] == [f"IN-{i}" for i in range(20)]
