"""The transaction coordinator (Kafka's ``TransactionCoordinator``, KIP-98/360/890 part 1).

``core.TransactionCoordinatorCore`` is the pure state machine: transactional ids, their
producer ids and epochs, the state of each transaction and the records of
``__transaction_state``; see README.md. Import its parts from their modules
(``broker.txn.core``, ``broker.txn.records``, ...): this package initialiser imports nothing,
so that the driver's modules and the pure core load independently.
"""
