package io.mqttbridge;

public final class RoutesJob {
    public static void main(String[] args) {}
}
