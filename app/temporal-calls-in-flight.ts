import { InterceptingCall, ListenerBuilder, RequesterBuilder, type Interceptor } from '@grpc/grpc-js';
import { defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';

/**
 * Counts the gRPC calls to Temporal still running, retries included, so the platform can let them end before it
 * closes its connection: a call left in the client's retry back-off (a workflow start that outlived its request's
 * deadline during an outage) throws an uncaught "Channel has been shut down" when its timer fires on a closed
 * channel.
 */
export function callsInFlight() {
  let running = 0;
  const idle: (() => void)[] = [];
  const ended = () => {
    running -= 1;
    if (running === 0) for (const wake of idle.splice(0)) wake();
  };
  // Outermost interceptor: it sees one logical call, however many attempts the retry interceptor inside it makes.
  const count: Interceptor = (options, nextCall) =>
    new InterceptingCall(
      nextCall(options),
      new RequesterBuilder()
        .withStart((metadata, listener, next) => {
          running += 1;
          next(
            metadata,
            new ListenerBuilder()
              .withOnReceiveStatus((status, nextStatus) => {
                ended();
                nextStatus(status);
              })
              .build(),
          );
        })
        .build(),
    );
  return {
    /** The connection's interceptors: this counter around the SDK's default retries. */
    interceptors: [count, makeGrpcRetryInterceptor(defaultGrpcRetryOptions())],
    /** Resolves once no call is running, or after maxMs. */
    async settled(maxMs = 10_000): Promise<void> {
      if (running === 0) return;
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        idle.push(resolve);
        timer = setTimeout(resolve, maxMs);
      });
      clearTimeout(timer);
    },
  };
}
