package io.jstore.engine.containerd;

import com.google.protobuf.Empty;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;

import io.jstore.engine.containerd.proto.*;


/**
 * The {@code containerd.services.snapshots.v1.Snapshots} service definition: method names and
 * message types exactly as snapshots.proto declares them (what protoc-gen-grpc-java would emit).
 */
final class SnapshotsBinding {
    private SnapshotsBinding() {}

    static final String SERVICE = "containerd.services.snapshots.v1.Snapshots";

    static ServerServiceDefinition bind(SnapshotsService s) {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(unary("Prepare", PrepareSnapshotRequest.getDefaultInstance(),
                        PrepareSnapshotResponse.getDefaultInstance()), ServerCalls.asyncUnaryCall(s::prepare))
                .addMethod(unary("View", ViewSnapshotRequest.getDefaultInstance(),
                        ViewSnapshotResponse.getDefaultInstance()), ServerCalls.asyncUnaryCall(s::view))
                .addMethod(unary("Mounts", MountsRequest.getDefaultInstance(),
                        MountsResponse.getDefaultInstance()), ServerCalls.asyncUnaryCall(s::mounts))
                .addMethod(unary("Commit", CommitSnapshotRequest.getDefaultInstance(),
                        Empty.getDefaultInstance()), ServerCalls.asyncUnaryCall(s::commit))
                .addMethod(unary("Remove", RemoveSnapshotRequest.getDefaultInstance(),
                        Empty.getDefaultInstance()), ServerCalls.asyncUnaryCall(s::remove))
                .addMethod(unary("Stat", StatSnapshotRequest.getDefaultInstance(),
                        StatSnapshotResponse.getDefaultInstance()), ServerCalls.asyncUnaryCall(s::stat))
                .addMethod(unary("Update", UpdateSnapshotRequest.getDefaultInstance(),
                        UpdateSnapshotResponse.getDefaultInstance()), ServerCalls.asyncUnaryCall(s::update))
                .addMethod(method("List", MethodDescriptor.MethodType.SERVER_STREAMING,
                        ListSnapshotsRequest.getDefaultInstance(), ListSnapshotsResponse.getDefaultInstance()),
                        ServerCalls.asyncServerStreamingCall(s::list))
                .addMethod(unary("Usage", UsageRequest.getDefaultInstance(),
                        UsageResponse.getDefaultInstance()), ServerCalls.asyncUnaryCall(s::usage))
                .addMethod(unary("Cleanup", CleanupRequest.getDefaultInstance(),
                        Empty.getDefaultInstance()), ServerCalls.asyncUnaryCall(s::cleanup))
                .build();
    }

    private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(String name, Q req, R resp) {
        return method(name, MethodDescriptor.MethodType.UNARY, req, resp);
    }

    static <Q extends Message, R extends Message> MethodDescriptor<Q, R> method(String name,
            MethodDescriptor.MethodType type, Q req, R resp) {
        return MethodDescriptor.<Q, R>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(ProtoUtils.marshaller(req))
                .setResponseMarshaller(ProtoUtils.marshaller(resp))
                .build();
    }

}
