package io.mqttbridge.tests.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * The workload's messages: 256-byte JSON documents carrying their sequence number and the time the
 * publisher sent them, padded to size. The bridge's Kafka records carry the same fields, so {@link
 * #seq} and {@link #sentMillis} read both; probes have a negative sequence number.
 */
final class Payloads {

    static final int SIZE = 256;

    private Payloads() {}

    /** The payload of message {@code seq}, stamped now. */
    static String json(long seq) {
        String head = "{\"device\":\"d-" + Math.floorMod(seq, 100) + "\",\"seq\":" + seq + ",\"ts\":" + System.currentTimeMillis()
                + ",\"temp\":" + Math.floorMod(seq, 40) + ".5,\"pad\":\"";
        return head + "x".repeat(Math.max(0, SIZE - head.length() - 2)) + "\"}";
    }

    static long seq(byte[] value) {
        return number(value, "\"seq\":");
    }

    static long sentMillis(byte[] value) {
        return number(value, "\"ts\":");
    }

    /** The integer after {@code field} in {@code value}; Long.MIN_VALUE when absent. */
    private static long number(byte[] value, String field) {
        String text = new String(value, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(field);
        if (at < 0) {
            return Long.MIN_VALUE;
        }
        int i = at + field.length();
        boolean negative = text.charAt(i) == '-';
        if (negative) {
            i++;
        }
        long n = 0;
        for (; i < text.length() && Character.isDigit(text.charAt(i)); i++) {
            n = n * 10 + (text.charAt(i) - '0');
        }
        return negative ? -n : n;
    }
}
