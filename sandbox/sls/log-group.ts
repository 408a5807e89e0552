/**
 * The PutLogs body: a protobuf `sls.LogGroup`. The definition is copied from
 * @alicloud/log 1.2.6 `lib/sls.proto` (proto2), so the stand-in does not read the SDK's files.
 */
import protobuf from 'protobufjs';

const SLS_PROTO = `
syntax = "proto2";
package sls;
message Log {
  required uint32 Time = 1;
  message Content {
    required string Key = 1;
    required string Value = 2;
  }
  repeated Content Contents = 2;
  optional fixed32 TimeNs = 4;
}
message LogTag {
  required string Key = 1;
  required string Value = 2;
}
message LogGroup {
  repeated Log Logs = 1;
  optional string Reserved = 2;
  optional string Topic = 3;
  optional string Source = 4;
  repeated LogTag LogTags = 6;
}
`;

const LogGroupType = protobuf.parse(SLS_PROTO, { keepCase: true }).root.lookupType('sls.LogGroup');

/** A decoded LogGroup, field names as in sls.proto. `Time` in epoch seconds. */
export interface LogGroup {
  Logs: {
    Time: number;
    TimeNs?: number;
    Contents: { Key: string; Value: string }[];
  }[];
  Topic?: string;
  Source?: string;
  LogTags: { Key: string; Value: string }[];
}

/**
 * Decodes a LogGroup. Throws (an Error) when the bytes are not one, or a required field is missing.
 */
export function decodeLogGroup(bytes: Uint8Array): LogGroup {
  const message = LogGroupType.decode(bytes);
  const plain = LogGroupType.toObject(message, { longs: Number, arrays: true, defaults: false });
  return plain as LogGroup;
}

/** Encodes a LogGroup (for tests that build PutLogs bodies by hand). */
export function encodeLogGroup(group: LogGroup): Uint8Array {
  const invalid = LogGroupType.verify(group);
  if (invalid) throw new Error(`invalid LogGroup: ${invalid}`);
  return LogGroupType.encode(LogGroupType.fromObject(group)).finish();
}
