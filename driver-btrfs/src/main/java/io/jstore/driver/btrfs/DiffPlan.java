package io.jstore.driver.btrfs;

import io.jstore.linux.Btrfs;
import io.jstore.linux.BtrfsSubvolumes;
import io.jstore.linux.SyscallException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a diff of a layer against a parent is made: from generations when the layer is a
 * snapshot of that very parent and the parent has not changed since, else by the naive diff,
 * with the reason (which {@code status} reports).
 */
sealed interface DiffPlan {

    /** Walk only what changed after transaction {@code since}, the one that made the snapshot of subvolume {@code source}. */
    record Generations(long since, long source) implements DiffPlan {}

    /** Compare the whole trees, because {@code reason}. */
    record Naive(String reason) implements DiffPlan {}

    /**
     * The plan for {@code layer} (subvolume {@code upper}) against {@code parent} (subvolume
     * {@code lower}, null for the empty tree), given the parent it was snapshotted from.
     */
    static DiffPlan of(String layer, Path upper, String parent, Path lower, String snapshotSource) throws SyscallException {
        if (parent == null) return new Naive(layer + " is compared with the empty tree: everything in it is new");
        if (!Objects.equals(parent, snapshotSource)) {
            return new Naive(layer + " is compared with " + parent + ", which it is no snapshot of");
        }
        BtrfsSubvolumes.Info up = BtrfsSubvolumes.info(upper);
        BtrfsSubvolumes.Info low = BtrfsSubvolumes.info(lower);
        if (up.parentUuid() == null || !up.parentUuid().equals(low.uuid())) {
            return new Naive(layer + "'s subvolume is no snapshot of " + parent + "'s");
        }
        if (!low.readOnly()) return new Naive("parent " + parent + " is writable, so it may differ from what was snapshotted");
        // a snapshot copies its source's ctransid; the source's moves on only when its inodes change
        if (low.changedTransid() > up.createdTransid()) {
            return new Naive("parent " + parent + " changed (transaction " + low.changedTransid()
                    + ") after " + layer + " was snapshotted (transaction " + up.createdTransid() + ")");
        }
        if (!BtrfsSubvolumes.nested(upper).isEmpty() || !BtrfsSubvolumes.nested(lower).isEmpty()) {
            return new Naive(layer + " or " + parent + " holds nested subvolumes, whose generations are their own");
        }
        if (!Btrfs.isSubvolume(upper)) return new Naive(upper + " is no subvolume");
        return new Generations(up.createdTransid(), low.id());
    }
}
