import type { NotifyKind } from '../../config/notify-settings.js';
import type { TargetFormat } from '../target.js';
import { dingtalk } from './dingtalk.js';
import { lark } from './lark.js';
import { slack } from './slack.js';
import { webhook } from './webhook.js';
import { wecom } from './wecom.js';

/** The format of each target kind. */
export const TARGET_FORMATS: Readonly<Record<NotifyKind, TargetFormat>> = {
  dingtalk,
  lark,
  wecom,
  slack,
  webhook,
};
