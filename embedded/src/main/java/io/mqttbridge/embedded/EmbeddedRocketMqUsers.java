package io.mqttbridge.embedded;

import org.apache.flink.annotation.Internal;

import org.apache.rocketmq.auth.authentication.model.User;
import org.apache.rocketmq.auth.authentication.provider.AuthenticationMetadataProvider;
import org.apache.rocketmq.auth.config.AuthConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The users of an {@link EmbeddedRocketMq} started with ACL, in memory. RocketMQ's own provider keeps
 * them in RocksDB, whose native library clashes with HiveMQ CE's in one JVM; the broker instantiates
 * this class by name (AuthConfig.authenticationMetadataProvider) and creates the configured user in it.
 */
@Internal
public final class EmbeddedRocketMqUsers implements AuthenticationMetadataProvider {

    private final Map<String, User> users = new ConcurrentHashMap<>();

    @Override
    public void initialize(AuthConfig config, Supplier<?> metadataService) {}

    @Override
    public void shutdown() {
        users.clear();
    }

    @Override
    public CompletableFuture<Void> createUser(User user) {
        users.put(user.getUsername(), user);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteUser(String username) {
        users.remove(username);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> updateUser(User user) {
        return createUser(user);
    }

    @Override
    public CompletableFuture<User> getUser(String username) {
        return CompletableFuture.completedFuture(users.get(username));
    }

    @Override
    public CompletableFuture<List<User>> listUser(String filter) {
        List<User> matching = new ArrayList<>();
        users.values().stream().filter(u -> filter == null || u.getUsername().contains(filter)).forEach(matching::add);
        return CompletableFuture.completedFuture(matching);
    }
}
