/**
 * The emoji shortcodes the connector writes, as the characters Slack shows; any other
 * `:name:` stays as written (Slack shows custom emoji the sandbox does not have the same way).
 */
const EMOJI: Readonly<Record<string, string>> = {
  arrows_counterclockwise: '🔄',
  bell: '🔔',
  bust_in_silhouette: '👤',
  camera_with_flash: '📸',
  card_index_dividers: '🗂️',
  double_vertical_bar: '⏸️',
  electric_plug: '🔌',
  gear: '⚙️',
  grey_question: '❔',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  inbox_tray: '📥',
  information_source: 'ℹ️',
  large_green_circle: '🟢',
  leftwards_arrow_with_hook: '↩️',
  key: '🔑',
  link: '🔗',
  lock: '🔒',
  mag: '🔍',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  raised_hand: '✋',
  robot_face: '🤖',
  speech_balloon: '💬',
  spiral_note_pad: '🗒️',
  tada: '🎉',
  warning: '⚠️',
  wastebasket: '🗑️',
  wave: '👋',
  white_check_mark: '✅',
  white_circle: '⚪',
  x: '❌',
  zzz: '💤',
};

export function withEmoji(text: string): string {
  return text.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}
