package io.quaero.dev.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.SecurityUtils;

/**
 * The ACLs of a locked-down Quaero cluster, as {@code deploy/kafka/acls.conf} lists them (the same
 * file docker-compose's {@code kafka-setup} applies with {@code kafka-acls.sh}), and their
 * creation through the Admin API by the super user. Creating an ACL that exists changes nothing,
 * so they are applied on every start; one that was removed from the file is not deleted from a
 * cluster that already has it (start with {@code --fresh}).
 */
final class KafkaAcls {

    /** Where the list is, under the repository. */
    static final Path FILE = Path.of("deploy/kafka/acls.conf");

    private KafkaAcls() {
    }

    /** Every binding of the file: one per user, resource, operation. */
    static List<AclBinding> read(Path file) throws IOException {
        var bindings = new ArrayList<AclBinding>();
        int lineNumber = 0;
        for (String line : Files.readAllLines(file)) {
            lineNumber++;
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] fields = text.split("\\s+");
            if (fields.length < 4) {
                throw new IllegalArgumentException(file + ":" + lineNumber + ": expected user, resource type, operations, "
                    + "names; got '" + text + "'");
            }
            ResourceType type = SecurityUtils.resourceType(fields[1]);
            if (type != ResourceType.TOPIC && type != ResourceType.GROUP) {
                throw new IllegalArgumentException(file + ":" + lineNumber + ": resource type " + fields[1] + ", expected topic or group");
            }
            for (String operation : fields[2].split(",")) {
                var entry = new AccessControlEntry("User:" + fields[0], "*", SecurityUtils.operation(operation), AclPermissionType.ALLOW);
                if (entry.operation() == AclOperation.UNKNOWN) {
                    throw new IllegalArgumentException(file + ":" + lineNumber + ": unknown operation " + operation);
                }
                for (String name : Arrays.copyOfRange(fields, 3, fields.length)) {
                    boolean prefix = name.endsWith("*");
                    var pattern = new ResourcePattern(type, prefix ? name.substring(0, name.length() - 1) : name,
                        prefix ? PatternType.PREFIXED : PatternType.LITERAL);
                    bindings.add(new AclBinding(pattern, entry));
                }
            }
        }
        return bindings;
    }

    /** Creates every binding of {@code file} with {@code admin} (the super user's client). */
    static void apply(Admin admin, Path file) throws IOException, InterruptedException {
        List<AclBinding> bindings = read(file);
        try {
            admin.createAcls(bindings).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create the " + bindings.size() + " ACLs of " + file + ": " + e, e);
        }
    }
}
