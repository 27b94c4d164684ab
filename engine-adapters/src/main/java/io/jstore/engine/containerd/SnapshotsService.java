package io.jstore.engine.containerd;

import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jstore.driver.DriverException;
import io.jstore.driver.MountSpec;
import io.jstore.engine.containerd.proto.*;
import io.jstore.graph.GraphException;
import java.util.List;
import java.util.Map;

/**
 * {@code containerd.services.snapshots.v1.Snapshots} over a {@link Snapshotter}. Failures become
 * the gRPC codes containerd's errdefs understands (NotFound, AlreadyExists, FailedPrecondition,
 * InvalidArgument), each with jstore's own message, which containerd shows its user.
 */
final class SnapshotsService {
    private final Snapshotter snapshotter;

    SnapshotsService(Snapshotter snapshotter) {
        this.snapshotter = snapshotter;
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws Exception;
    }

    private static <T> void answer(StreamObserver<T> out, Call<T> call) {
        T reply;
        try {
            reply = call.run();
        } catch (Exception e) {
            out.onError(status(e).withDescription("jstore: " + e.getMessage()).asRuntimeException());
            return;
        }
        out.onNext(reply);
        out.onCompleted();
    }

    static Status status(Exception e) {
        if (e instanceof GraphException.NotFoundException) return Status.NOT_FOUND;
        if (e instanceof GraphException.ConflictException) return Status.ALREADY_EXISTS;
        if (e instanceof GraphException.InUseException) return Status.FAILED_PRECONDITION;
        if (e instanceof GraphException.CorruptException || e instanceof DriverException.InvalidIdException) {
            return Status.INVALID_ARGUMENT;
        }
        if (e instanceof DriverException.UnsupportedException) return Status.UNIMPLEMENTED;
        return Status.INTERNAL;
    }

    private static String orNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static List<Mount> mounts(List<MountSpec> specs) {
        return specs.stream().map(m -> Mount.newBuilder().setType(m.type()).setSource(m.source())
                .setTarget(m.target()).addAllOptions(m.options()).build()).toList();
    }

    void prepare(PrepareSnapshotRequest r, StreamObserver<PrepareSnapshotResponse> out) {
        answer(out, () -> PrepareSnapshotResponse.newBuilder()
                .addAllMounts(mounts(snapshotter.prepare(r.getKey(), orNull(r.getParent()), r.getLabelsMap(), false)))
                .build());
    }

    void view(ViewSnapshotRequest r, StreamObserver<ViewSnapshotResponse> out) {
        answer(out, () -> ViewSnapshotResponse.newBuilder()
                .addAllMounts(mounts(snapshotter.prepare(r.getKey(), orNull(r.getParent()), r.getLabelsMap(), true)))
                .build());
    }

    void mounts(MountsRequest r, StreamObserver<MountsResponse> out) {
        answer(out, () -> MountsResponse.newBuilder().addAllMounts(mounts(snapshotter.mounts(r.getKey()))).build());
    }

    void commit(CommitSnapshotRequest r, StreamObserver<Empty> out) {
        answer(out, () -> {
            snapshotter.commit(r.getName(), r.getKey(), r.getLabelsMap());
            return Empty.getDefaultInstance();
        });
    }

    void remove(RemoveSnapshotRequest r, StreamObserver<Empty> out) {
        answer(out, () -> {
            snapshotter.remove(r.getKey());
            return Empty.getDefaultInstance();
        });
    }

    void stat(StatSnapshotRequest r, StreamObserver<StatSnapshotResponse> out) {
        answer(out, () -> StatSnapshotResponse.newBuilder().setInfo(info(snapshotter.stat(r.getKey()))).build());
    }

    void update(UpdateSnapshotRequest r, StreamObserver<UpdateSnapshotResponse> out) {
        answer(out, () -> UpdateSnapshotResponse.newBuilder().setInfo(info(snapshotter.update(r.getInfo().getName(),
                r.getInfo().getLabelsMap(), r.getUpdateMask().getPathsList()))).build());
    }

    void list(ListSnapshotsRequest r, StreamObserver<ListSnapshotsResponse> out) {
        List<Snapshot> all;
        try {
            all = snapshotter.list(Filters.parse(r.getFiltersList()));
        } catch (Exception e) {
            out.onError(status(e).withDescription("jstore: " + e.getMessage()).asRuntimeException());
            return;
        }
        // containerd reads the stream in batches; a hundred infos keep a message small.
        for (int i = 0; i < all.size(); i += 100) {
            ListSnapshotsResponse.Builder b = ListSnapshotsResponse.newBuilder();
            all.subList(i, Math.min(all.size(), i + 100)).forEach(s -> b.addInfo(info(s)));
            out.onNext(b.build());
        }
        out.onCompleted();
    }

    void usage(UsageRequest r, StreamObserver<UsageResponse> out) {
        answer(out, () -> UsageResponse.newBuilder().setSize(snapshotter.usage(r.getKey())).build());
    }

    void cleanup(CleanupRequest r, StreamObserver<Empty> out) {
        answer(out, () -> {
            snapshotter.cleanup();
            return Empty.getDefaultInstance();
        });
    }

    private static Info info(Snapshot s) {
        return Info.newBuilder().setName(s.name()).setParent(s.parent() == null ? "" : s.parent())
                .setKind(switch (s.kind()) {
                    case VIEW -> Kind.VIEW;
                    case ACTIVE -> Kind.ACTIVE;
                    case COMMITTED -> Kind.COMMITTED;
                })
                .setCreatedAt(time(s.created())).setUpdatedAt(time(s.updated())).putAllLabels(s.labels()).build();
    }

    private static Timestamp time(long ms) {
        return Timestamp.newBuilder().setSeconds(ms / 1000).setNanos((int) (ms % 1000) * 1_000_000).build();
    }

}
