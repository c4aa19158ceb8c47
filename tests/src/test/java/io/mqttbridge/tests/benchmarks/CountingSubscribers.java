package io.mqttbridge.tests.benchmarks;

import java.util.concurrent.atomic.AtomicLong;

/** The broker limit: subscribers that only count what the broker delivers (acknowledged on arrival). */
final class CountingSubscribers implements Contender {

    private final AtomicLong count = new AtomicLong();
    private final SharedSubscribers subscribers;

    CountingSubscribers(String serverUri, String group, String topicFilter, int subscribers) throws Exception {
        this.subscribers = SharedSubscribers.connect(serverUri, group, topicFilter, subscribers, false, m -> count.incrementAndGet());
    }

    @Override
    public long arrived() {
        return count.get();
    }

    @Override
    public void checkRunning() {}

    @Override
    public String topic() {
        return null;
    }

    @Override
    public void close() {
        subscribers.close();
    }
}
