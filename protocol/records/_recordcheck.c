/*
 * protocol.records._recordcheck: the record walk of produce validation, compiled.
 *
 * check_records(data, count, base_timestamp) walks an uncompressed records section of a v2
 * batch and returns (problem_index, problem, first_keyless_index), exactly as the pure-Python
 * protocol/records/recordcheck.py does (same rules, same order, same messages; a property test
 * compares the two on random and mutated input). See that module for the rules.
 *
 * Every read is bounds-checked: varints and fields of a record never read past the record's
 * declared end, and the record's length never past the section's end. Nothing is allocated
 * while walking; the GIL is held throughout (a batch is at most a few MiB).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

/* A zigzag int32 takes at most 5 bytes of 7 bits, an int64 at most 10. */
#define MAX_VARINT_BYTES 5
#define MAX_VARLONG_BYTES 10

enum varint_status { VARINT_OK = 0, VARINT_TRUNCATED, VARINT_TOO_LONG, VARINT_OVERFLOW };

/* Zigzag int32 varint in buf[*pos, end); moves *pos past it only on success. */
static int
read_varint32(const uint8_t *buf, Py_ssize_t end, Py_ssize_t *pos, int32_t *out)
{
    Py_ssize_t p = *pos;
    uint32_t raw = 0;
    for (int i = 0; i < MAX_VARINT_BYTES; i++) {
        if (p >= end) {
            return VARINT_TRUNCATED;
        }
        uint32_t b = buf[p++];
        if (i == MAX_VARINT_BYTES - 1) {
            if (b & 0x80) {
                return VARINT_TOO_LONG;
            }
            if (b > 0x0F) { /* bits past the 32nd */
                return VARINT_OVERFLOW;
            }
            raw |= b << 28;
            break;
        }
        raw |= (b & 0x7F) << (7 * i);
        if (b < 0x80) {
            break;
        }
    }
    *pos = p;
    *out = (int32_t)((raw >> 1) ^ (0u - (raw & 1u)));
    return VARINT_OK;
}

/* Zigzag int64 varint in buf[*pos, end); moves *pos past it only on success. */
static int
read_varint64(const uint8_t *buf, Py_ssize_t end, Py_ssize_t *pos, int64_t *out)
{
    Py_ssize_t p = *pos;
    uint64_t raw = 0;
    for (int i = 0; i < MAX_VARLONG_BYTES; i++) {
        if (p >= end) {
            return VARINT_TRUNCATED;
        }
        uint64_t b = buf[p++];
        if (i == MAX_VARLONG_BYTES - 1) {
            if (b & 0x80) {
                return VARINT_TOO_LONG;
            }
            if (b > 0x01) { /* bits past the 64th */
                return VARINT_OVERFLOW;
            }
            raw |= b << 63;
            break;
        }
        raw |= (b & 0x7F) << (7 * i);
        if (b < 0x80) {
            break;
        }
    }
    *pos = p;
    *out = (int64_t)((raw >> 1) ^ (0u - (raw & 1u)));
    return VARINT_OK;
}

/* Strict UTF-8, as Python's str decoding: no overlong forms, no surrogates, nothing past
 * U+10FFFF, no truncated sequence. */
static int
is_utf8(const uint8_t *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c < 0xC2) {
            return 0;
        }
        if (c < 0xE0) {
            if (n - i < 2 || (s[i + 1] & 0xC0) != 0x80) {
                return 0;
            }
            i += 2;
            continue;
        }
        if (c < 0xF0) {
            if (n - i < 3) {
                return 0;
            }
            uint8_t c1 = s[i + 1], c2 = s[i + 2];
            if ((c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80) {
                return 0;
            }
            if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) {
                return 0;
            }
            i += 3;
            continue;
        }
        if (c < 0xF5) {
            if (n - i < 4) {
                return 0;
            }
            uint8_t c1 = s[i + 1], c2 = s[i + 2], c3 = s[i + 3];
            if ((c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80 || (c3 & 0xC0) != 0x80) {
                return 0;
            }
            if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) {
                return 0;
            }
            i += 4;
            continue;
        }
        return 0;
    }
    return 1;
}

static PyObject *
verdict(Py_ssize_t index, PyObject *message)
{
    if (message == NULL) {
        return NULL;
    }
    PyObject *result = Py_BuildValue("(nNn)", index, message, (Py_ssize_t)-1);
    return result;
}

/* ``wide``: the field is an int64 (the timestamp delta), else an int32. */
static PyObject *
varint_problem(Py_ssize_t index, const char *field, int status, int wide)
{
    switch (status) {
    case VARINT_TRUNCATED:
        return verdict(index, PyUnicode_FromFormat("record %zd is truncated in its %s", index,
                                                   field));
    case VARINT_TOO_LONG:
        return verdict(index, PyUnicode_FromFormat("record %zd: %s varint longer than %d bytes",
                                                   index, field,
                                                   wide ? MAX_VARLONG_BYTES : MAX_VARINT_BYTES));
    default:
        return verdict(index, PyUnicode_FromFormat("record %zd: %s varint overflows %s", index,
                                                   field, wide ? "int64" : "int32"));
    }
}

static PyObject *
length_problem(Py_ssize_t index, const char *field, int32_t length, Py_ssize_t remaining)
{
    if (length < 0) {
        return verdict(index, PyUnicode_FromFormat("record %zd has %s %d", index, field,
                                                   (int)length));
    }
    return verdict(index, PyUnicode_FromFormat("record %zd has %s %d but only %zd bytes of the "
                                               "record remain", index, field, (int)length,
                                               remaining));
}

static PyObject *
walk(const uint8_t *buf, Py_ssize_t end, Py_ssize_t count, int64_t base_timestamp)
{
    Py_ssize_t pos = 0;
    Py_ssize_t first_keyless = -1;
    int status;
    for (Py_ssize_t i = 0; i < count; i++) {
        if (pos >= end) {
            return verdict(-1, PyUnicode_FromFormat("records section holds %zd of the %zd "
                                                    "records its batch header counts", i, count));
        }
        int32_t length;
        if ((status = read_varint32(buf, end, &pos, &length)) != VARINT_OK) {
            return varint_problem(i, "length", status, 0);
        }
        if (length < 0 || length > end - pos) {
            return verdict(i, PyUnicode_FromFormat("record %zd has length %d but only %zd "
                                                   "bytes remain", i, (int)length, end - pos));
        }
        const Py_ssize_t start = pos;
        const Py_ssize_t stop = pos + length;
        if (pos >= stop) {
            return varint_problem(i, "attributes", VARINT_TRUNCATED, 0);
        }
        pos++; /* attributes: unused in v2 */

        int64_t timestamp_delta;
        if ((status = read_varint64(buf, stop, &pos, &timestamp_delta)) != VARINT_OK) {
            return varint_problem(i, "timestamp delta", status, 1);
        }
        if ((timestamp_delta > 0 && base_timestamp > INT64_MAX - timestamp_delta) ||
            (timestamp_delta < 0 && base_timestamp < INT64_MIN - timestamp_delta)) {
            return verdict(i, PyUnicode_FromFormat(
                                  "record %zd has timestamp delta %lld, which overflows int64 "
                                  "added to the base timestamp %lld",
                                  i, (long long)timestamp_delta, (long long)base_timestamp));
        }

        int32_t offset_delta;
        if ((status = read_varint32(buf, stop, &pos, &offset_delta)) != VARINT_OK) {
            return varint_problem(i, "offset delta", status, 0);
        }
        if ((Py_ssize_t)offset_delta != i) {
            return verdict(i, PyUnicode_FromFormat("record %zd has offset delta %d, expected %zd",
                                                   i, (int)offset_delta, i));
        }

        int32_t key_length;
        if ((status = read_varint32(buf, stop, &pos, &key_length)) != VARINT_OK) {
            return varint_problem(i, "key length", status, 0);
        }
        if (key_length == -1) {
            if (first_keyless < 0) {
                first_keyless = i;
            }
        }
        else if (key_length < 0 || key_length > stop - pos) {
            return length_problem(i, "key length", key_length, stop - pos);
        }
        else {
            pos += key_length;
        }

        int32_t value_length;
        if ((status = read_varint32(buf, stop, &pos, &value_length)) != VARINT_OK) {
            return varint_problem(i, "value length", status, 0);
        }
        if (value_length < -1 || value_length > stop - pos) {
            return length_problem(i, "value length", value_length, stop - pos);
        }
        if (value_length > 0) {
            pos += value_length;
        }

        int32_t header_count;
        if ((status = read_varint32(buf, stop, &pos, &header_count)) != VARINT_OK) {
            return varint_problem(i, "header count", status, 0);
        }
        if (header_count < 0) {
            return verdict(i, PyUnicode_FromFormat("record %zd has header count %d", i,
                                                   (int)header_count));
        }
        for (int32_t h = 0; h < header_count; h++) {
            int32_t name_length;
            if ((status = read_varint32(buf, stop, &pos, &name_length)) != VARINT_OK) {
                return varint_problem(i, "header key length", status, 0);
            }
            if (name_length < 0 || name_length > stop - pos) {
                return length_problem(i, "header key length", name_length, stop - pos);
            }
            if (!is_utf8(buf + pos, name_length)) {
                return verdict(i, PyUnicode_FromFormat("record %zd has a header key that is "
                                                       "not UTF-8", i));
            }
            pos += name_length;
            int32_t header_value_length;
            if ((status = read_varint32(buf, stop, &pos, &header_value_length)) != VARINT_OK) {
                return varint_problem(i, "header value length", status, 0);
            }
            if (header_value_length < -1 || header_value_length > stop - pos) {
                return length_problem(i, "header value length", header_value_length,
                                      stop - pos);
            }
            if (header_value_length > 0) {
                pos += header_value_length;
            }
        }
        if (pos != stop) {
            return verdict(i, PyUnicode_FromFormat("record %zd has length %d but its fields take "
                                                   "%zd bytes", i, (int)length, pos - start));
        }
    }
    if (pos != end) {
        return verdict(-1, PyUnicode_FromFormat("records section has %zd bytes after its %zd "
                                                "records", end - pos, count));
    }
    return Py_BuildValue("(nOn)", (Py_ssize_t)-1, Py_None, first_keyless);
}

PyDoc_STRVAR(check_records_doc,
"check_records(data, count, base_timestamp, /)\n--\n\n"
"Walk an uncompressed records section: (problem_index, problem, first_keyless_index).\n"
"problem is None when the section holds exactly count well-formed records; problem_index is\n"
"-1 for a problem of the section as a whole; first_keyless_index is -1 when every record has\n"
"a key (and when there is a problem).");

static PyObject *
check_records(PyObject *module, PyObject *args)
{
    (void)module;
    Py_buffer view;
    Py_ssize_t count;
    long long base_timestamp;
    if (!PyArg_ParseTuple(args, "y*nL:check_records", &view, &count, &base_timestamp)) {
        return NULL;
    }
    if (count < 0) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "count must not be negative");
        return NULL;
    }
    PyObject *result = walk((const uint8_t *)view.buf, view.len, count, (int64_t)base_timestamp);
    PyBuffer_Release(&view);
    return result;
}

static PyMethodDef methods[] = {
    {"check_records", check_records, METH_VARARGS, check_records_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    "_recordcheck",
    "The record walk of produce validation, compiled (see protocol.records.recordcheck).",
    0,
    methods,
    NULL,
    NULL,
    NULL,
    NULL,
};

PyMODINIT_FUNC
PyInit__recordcheck(void)
{
    return PyModuleDef_Init(&module);
}
