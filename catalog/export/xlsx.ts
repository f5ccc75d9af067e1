import type ExcelJS from 'exceljs';
import type { Resource } from '../model.ts';
import {
  CATALOGUE_KIND_LABELS,
  DATA_TYPE_LABELS,
  MASKING_RULE_LABELS,
  RESOURCE_FORMAT_LABELS,
  SENSITIVITY_LABELS,
  SHARING_METHOD_CLASS_LABELS,
  SHARING_METHOD_CLASS_OF,
  SHARING_METHOD_LABELS,
  SHARING_TYPE_LABELS,
  UPDATE_CYCLE_LABELS,
  type SensitivityLevel,
} from '../vocabulary.ts';

/** Columns of the resource sheet, after the national catalogue's compilation template: one row per resource. */
export const RESOURCE_COLUMNS = [
  '资源分类', '资源代码', '资源名称', '资源提供方', '资源提供方代码', '资源提供方统一社会信用代码', '资源摘要', '目录类型', '资源格式分类', '资源格式类型', '信息项',
  '共享类型', '共享条件', '共享方式分类', '共享方式类型', '是否向社会开放', '开放条件', '更新周期', '发布日期', '关联资源代码', '关键词',
] as const;
/** Columns of the dispute sheet (数据异议): one row per resource with disputes. */
export const DISPUTE_COLUMNS = ['资源代码', '资源名称', '资源提供方代码', '未答复', '已逾期', '已确认', '已驳回', '逾期答复', '平均答复天数'] as const;
const DISPUTE_SHEET = '数据异议';

/** A resource's dispute counts and its provider's answer times (gateway/disputes/store.ts). */
export interface ResourceDisputeCounts {
  open: number;
  overdue: number;
  confirmed: number;
  rejected: number;
  answeredLate: number;
  averageAnswerDays: number | null;
}

/** Columns of the item sheet: one row per information item. */
export const ITEM_COLUMNS = ['资源代码', '资源名称', '序号', '信息项名称', '数据类型', '标准字段', '敏感级别', '脱敏规则', '是否共享'] as const;

export const RESOURCE_SHEET = '资源目录';
export const ITEM_SHEET = '信息项';

const yesNo = (value: boolean) => (value ? '是' : '否');

function resourceRow(resource: Resource): string[] {
  return [
    resource.code.split('/')[0] as string,
    resource.code,
    resource.name,
    resource.providerName,
    resource.providerCode,
    resource.providerCreditCode ?? '',
    resource.summary,
    CATALOGUE_KIND_LABELS[resource.kind].zh,
    RESOURCE_FORMAT_LABELS[resource.format].zh,
    resource.formatType ?? '',
    resource.items.map((item) => `${item.name}（${DATA_TYPE_LABELS[item.dataType].zh}）`).join('；'),
    SHARING_TYPE_LABELS[resource.sharing.type].zh,
    resource.sharing.condition ?? '',
    [...new Set(resource.sharing.methods.map((method) => SHARING_METHOD_CLASS_LABELS[SHARING_METHOD_CLASS_OF[method]].zh))].join('；'),
    resource.sharing.methods.map((method) => SHARING_METHOD_LABELS[method].zh).join('；'),
    yesNo(resource.open.open),
    resource.open.condition ?? '',
    UPDATE_CYCLE_LABELS[resource.updateCycle].zh,
    resource.publishDate,
    resource.related.join('；'),
    resource.keywords.join('；'),
  ];
}

function addSheet(workbook: ExcelJS.Workbook, name: string, header: readonly string[], rows: (string | number)[][], widths: number[]): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow([...header]).font = { bold: true };
  sheet.addRows(rows);
  sheet.columns.forEach((column, index) => (column.width = widths[index] ?? 14));
}

/**
 * The catalogue as an .xlsx workbook: sheet 资源目录 has one row per resource with its items joined
 * (名称（数据类型）, separated by ；), sheet 信息项 one row per item with sensitivity and masking; with `disputes`, sheet
 * 数据异议 one row per resource that has disputes.
 */
export async function toWorkbook(resources: readonly Resource[], disputes?: ReadonlyMap<string, ResourceDisputeCounts>): Promise<Buffer> {
  // Loaded only when a spreadsheet is asked for: exceljs is about 20 MB of resident memory.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  workbook.creator = 'dx-gateway';
  addSheet(workbook, RESOURCE_SHEET, RESOURCE_COLUMNS, resources.map(resourceRow), [10, 16, 24, 18, 12, 22, 48, 14, 12, 12, 60, 12, 30, 14, 18, 10, 30, 10, 12, 20, 24]);
  const items = resources.flatMap((resource) =>
    resource.items.map((item, index) => [
      resource.code,
      resource.name,
      index + 1,
      item.name,
      DATA_TYPE_LABELS[item.dataType].zh,
      item.canonicalField ?? '',
      `${item.sensitivity} ${SENSITIVITY_LABELS[item.sensitivity as SensitivityLevel]?.zh ?? ''}`.trim(),
      MASKING_RULE_LABELS[item.masking].zh,
      yesNo(item.shareable),
    ]),
  );
  addSheet(workbook, ITEM_SHEET, ITEM_COLUMNS, items, [16, 24, 6, 24, 12, 28, 12, 12, 10]);
  if (disputes !== undefined) {
    const rows = resources.flatMap((resource) => {
      const counts = disputes.get(resource.id);
      return counts ? [[resource.code, resource.name, resource.providerCode, counts.open, counts.overdue, counts.confirmed, counts.rejected, counts.answeredLate, counts.averageAnswerDays ?? '']] : [];
    });
    addSheet(workbook, DISPUTE_SHEET, DISPUTE_COLUMNS, rows, [16, 24, 14, 8, 8, 8, 8, 10, 12]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
