package io.mqttbridge.local;

import io.mqttbridge.embedded.EmbeddedRocketMq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The commands docs/local-stack.md gives for the demo's RocketMQ topics, against an embedded RocketMQ. */
class RocketMqCliTest {

    @Test
    void sendsAMessageAndReadsItBackWithTagKeysAndProperties(@TempDir Path dir) throws Exception {
        try (EmbeddedRocketMq rocketMq = EmbeddedRocketMq.start(dir, 0, false)) {
            rocketMq.createTopic("device-commands", 2);
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            int code = RocketMqCli.run(new String[] {"send", "device-commands", "{\"device\":\"v-001\"}", "--tag", "ctl",
                    "--keys", "v-001", "--property", "request-id=r-1"}, rocketMq.nameServer(), print(sent));
            assertThat(code).isZero();
            assertThat(sent.toString(StandardCharsets.UTF_8)).startsWith("SEND_OK msg-id=");
            assertThat(rocketMq.messageCount("device-commands")).isEqualTo(1);

            // The environment's name server is overridden by the option.
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            code = RocketMqCli.run(new String[] {"read", "device-commands", "--count", "1", "--name-server", rocketMq.nameServer()},
                    "127.0.0.1:1", print(read));
            assertThat(code).isZero();
            assertThat(read.toString(StandardCharsets.UTF_8))
                    .contains("topic=device-commands", "tag=ctl", "keys=v-001", "properties={request-id=r-1}")
                    .contains("\n{\"device\":\"v-001\"}");
        }
    }

    @Test
    void badArgumentsNameTheProblem() {
        assertThatThrownBy(() -> RocketMqCli.run(new String[] {"send", "t"}, null, System.out))
                .hasMessage("send needs a message body after the topic");
        assertThatThrownBy(() -> RocketMqCli.run(new String[] {"read", "t", "--count", "0"}, null, System.out))
                .hasMessage("--count must be a whole number from 1, got '0'");
        assertThatThrownBy(() -> RocketMqCli.run(new String[] {"peek", "t"}, null, System.out))
                .hasMessage("unknown command 'peek' (send or read)");
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
