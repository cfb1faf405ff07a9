package net.pptpgw.protocol.pptp;

import java.util.StringJoiner;

/** {@code toString} of the bit-flag value types: {@code Name[flag|flag|0x80]}. */
final class Flags {

    private Flags() {}

    static String describe(String type, int unknownBits, String... setFlags) {
        StringJoiner joiner = new StringJoiner("|", type + "[", "]").setEmptyValue(type + "[none]");
        for (String flag : setFlags) {
            if (flag != null) {
                joiner.add(flag);
            }
        }
        if (unknownBits != 0) {
            joiner.add("0x" + Integer.toHexString(unknownBits));
        }
        return joiner.toString();
    }
}
