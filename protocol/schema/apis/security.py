"""Schemas of the security APIs: ACLs (29-31) and SCRAM credentials (50-51).

SaslHandshake (17) and SaslAuthenticate (36) sit with the metadata APIs, which every client
sends before anything else.
"""

from protocol.schema.dsl import f, request, response

DESCRIBE_ACLS_REQUEST = request(29, "DescribeAcls", "0-3", flexible="2+", fields=[
    f("resource_type_filter", "int8"),
    f("resource_name_filter", "string", nullable="0+"),
    f("pattern_type_filter", "int8", "1+", default=3),
    f("principal_filter", "string", nullable="0+"),
    f("host_filter", "string", nullable="0+"),
    f("operation", "int8"),
    f("permission_type", "int8"),
])


DESCRIBE_ACLS_RESPONSE = response(29, "DescribeAcls", "0-3", flexible="2+", fields=[
    f("throttle_time_ms", "int32"),
    f("error_code", "int16"),
    f("error_message", "string", nullable="0+"),
    f("resources", "[]DescribeAclsResource", fields=[
        f("resource_type", "int8"),
        f("resource_name", "string"),
        f("pattern_type", "int8", "1+", default=3),
        f("acls", "[]AclDescription", fields=[
            f("principal", "string"),
            f("host", "string"),
            f("operation", "int8"),
            f("permission_type", "int8"),
        ]),
    ]),
])


CREATE_ACLS_REQUEST = request(30, "CreateAcls", "0-3", flexible="2+", fields=[
    f("creations", "[]AclCreation", fields=[
        f("resource_type", "int8"),
        f("resource_name", "string"),
        f("resource_pattern_type", "int8", "1+", default=3),
        f("principal", "string"),
        f("host", "string"),
        f("operation", "int8"),
        f("permission_type", "int8"),
    ]),
])


CREATE_ACLS_RESPONSE = response(30, "CreateAcls", "0-3", flexible="2+", fields=[
    f("throttle_time_ms", "int32"),
    f("results", "[]AclCreationResult", fields=[
        f("error_code", "int16"),
        f("error_message", "string", nullable="0+"),
    ]),
])


DELETE_ACLS_REQUEST = request(31, "DeleteAcls", "0-3", flexible="2+", fields=[
    f("filters", "[]DeleteAclsFilter", fields=[
        f("resource_type_filter", "int8"),
        f("resource_name_filter", "string", nullable="0+"),
        f("pattern_type_filter", "int8", "1+", default=3),
        f("principal_filter", "string", nullable="0+"),
        f("host_filter", "string", nullable="0+"),
        f("operation", "int8"),
        f("permission_type", "int8"),
    ]),
])


DELETE_ACLS_RESPONSE = response(31, "DeleteAcls", "0-3", flexible="2+", fields=[
    f("throttle_time_ms", "int32"),
    f("filter_results", "[]DeleteAclsFilterResult", fields=[
        f("error_code", "int16"),
        f("error_message", "string", nullable="0+"),
        f("matching_acls", "[]DeleteAclsMatchingAcl", fields=[
            f("error_code", "int16"),
            f("error_message", "string", nullable="0+"),
            f("resource_type", "int8"),
            f("resource_name", "string"),
            f("pattern_type", "int8", "1+", default=3),
            f("principal", "string"),
            f("host", "string"),
            f("operation", "int8"),
            f("permission_type", "int8"),
        ]),
    ]),
])


DESCRIBE_USER_SCRAM_CREDENTIALS_REQUEST = request(
    50, "DescribeUserScramCredentials", "0", flexible="0+", fields=[
        f("users", "[]UserName", nullable="0+", fields=[
            f("name", "string"),
        ]),
    ],
)


DESCRIBE_USER_SCRAM_CREDENTIALS_RESPONSE = response(
    50, "DescribeUserScramCredentials", "0", flexible="0+", fields=[
        f("throttle_time_ms", "int32"),
        f("error_code", "int16"),
        f("error_message", "string", nullable="0+"),
        f("results", "[]DescribeUserScramCredentialsResult", fields=[
            f("user", "string"),
            f("error_code", "int16"),
            f("error_message", "string", nullable="0+"),
            f("credential_infos", "[]CredentialInfo", fields=[
                f("mechanism", "int8"),
                f("iterations", "int32"),
            ]),
        ]),
    ],
)


ALTER_USER_SCRAM_CREDENTIALS_REQUEST = request(
    51, "AlterUserScramCredentials", "0", flexible="0+", fields=[
        f("deletions", "[]ScramCredentialDeletion", fields=[
            f("name", "string"),
            f("mechanism", "int8"),
        ]),
        f("upsertions", "[]ScramCredentialUpsertion", fields=[
            f("name", "string"),
            f("mechanism", "int8"),
            f("iterations", "int32"),
            f("salt", "bytes"),
            f("salted_password", "bytes"),
        ]),
    ],
)


ALTER_USER_SCRAM_CREDENTIALS_RESPONSE = response(
    51, "AlterUserScramCredentials", "0", flexible="0+", fields=[
        f("throttle_time_ms", "int32"),
        f("results", "[]AlterUserScramCredentialsResult", fields=[
            f("user", "string"),
            f("error_code", "int16"),
            f("error_message", "string", nullable="0+"),
        ]),
    ],
)
