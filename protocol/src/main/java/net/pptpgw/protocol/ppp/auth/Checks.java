package net.pptpgw.protocol.ppp.auth;

import net.pptpgw.protocol.Octets;

/** Argument checks shared by the PAP and CHAP packet records: what their wire formats can carry. */
final class Checks {

    /** Code (1), Identifier (1), Length (2): RFC 1334 §2.2 and RFC 1994 §4. */
    static final int HEADER_LENGTH = 4;

    /** The Length field is 16 bits and counts the header. */
    static final int MAX_DATA_LENGTH = 0xFFFF - HEADER_LENGTH;

    private Checks() {}

    static void code(int code) {
        if (code < 0 || code > 0xFF) {
            throw new IllegalArgumentException("code " + code + " is not an octet");
        }
    }

    static void identifier(int identifier) {
        if (identifier < 0 || identifier > 0xFF) {
            throw new IllegalArgumentException("identifier " + identifier + " is not an octet");
        }
    }

    /** A field whose length the packet carries in one octet. */
    static void shortField(String name, Octets field) {
        if (field.length() > 0xFF) {
            throw new IllegalArgumentException(name + " of " + field.length() + " octets exceeds 255");
        }
    }

    /** A fixed-size field, such as the NT-Response of an MS-CHAP response value. */
    static void exactSize(String name, Octets field, int size) {
        if (field.length() != size) {
            throw new IllegalArgumentException(name + " has " + field.length() + " octets, not " + size);
        }
    }

    static void data(Octets data) {
        if (data.length() > MAX_DATA_LENGTH) {
            throw new IllegalArgumentException("data of " + data.length() + " octets exceeds " + MAX_DATA_LENGTH);
        }
    }
}
