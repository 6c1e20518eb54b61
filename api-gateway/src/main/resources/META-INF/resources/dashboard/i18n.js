// The dashboard's words in Chinese and English; the choice is kept in localStorage.

import {h} from './dom.js';

const WORDS = {
  appName: ['智阅', 'ZhiYue'],
  exams: ['考试', 'Exams'], operations: ['运维', 'Operations'], signOut: ['退出', 'Sign out'],
  signIn: ['登录', 'Sign in'], signInHelp: ['粘贴令牌，或打开 ./zhiyue token --link 打印的登录链接。',
    'Paste a token, or open the login link that ./zhiyue token --link prints.'],
  token: ['令牌', 'Token'], sessionEnded: ['登录已失效，请重新登录。', 'Your session has ended; sign in again.'],
  live: ['实时', 'live'], connecting: ['连接中', 'connecting'], retrying: ['重连中', 'reconnecting'],
  offline: ['未连接', 'offline'],
  title: ['名称', 'Title'], subject: ['科目', 'Subject'], created: ['创建时间', 'Created'],
  createExam: ['新建考试', 'Create exam'], noExams: ['还没有考试。', 'No exams yet.'],
  questions: ['题目', 'Questions'], number: ['题号', 'No.'], prompt: ['题干', 'Prompt'],
  maxScore: ['满分', 'Max score'], scoreStep: ['给分步长', 'Score step'], mode: ['阅卷方式', 'Marking'],
  modeRule: ['规则', 'rule'], modeAi: ['AI + 人工', 'AI + people'], referenceAnswer: ['参考答案', 'Reference answer'],
  doubleMarking: ['双评（容差）', 'Double marking (tolerance)'], rubric: ['评分点', 'Rubric points'],
  pointId: ['编号', 'id'], description: ['说明', 'Description'], points: ['分值', 'Points'],
  keywords: ['关键词（任一，逗号分隔）', 'Keywords (any of, comma separated)'], addPoint: ['加评分点', 'Add point'],
  addQuestion: ['添加题目', 'Add question'], upload: ['上传答卷（CSV）', 'Upload answers (CSV)'],
  uploadHelp: ['列：student_id, question_number, answer', 'Columns: student_id, question_number, answer'],
  accepted: ['接收', 'accepted'], rejected: ['拒收', 'rejected'], row: ['行', 'Row'], code: ['代码', 'Code'],
  message: ['说明', 'Message'], moreRejected: ['另有 {0} 行被拒收（未列出）', '{0} more rejected rows not listed'],
  jobs: ['阅卷任务', 'Grading jobs'], job: ['阅卷任务', 'Grading job'], createJob: ['新建阅卷任务', 'Create grading job'], noJobs: ['还没有任务。', 'No jobs yet.'],
  state: ['状态', 'State'], progress: ['进度', 'Progress'], open: ['打开', 'Open'],
  marking: ['评卷', 'Marking'], quality: ['质量', 'Quality'], release: ['发布成绩', 'Release results'],
  released: ['成绩已发布', 'Results released'],
  start: ['开始', 'Start'], pause: ['暂停', 'Pause'], resume: ['继续', 'Resume'], cancel: ['取消', 'Cancel'],
  total: ['总数', 'Total'], graded: ['已评', 'Graded'], failed: ['失败', 'Failed'], cancelled: ['已取消', 'Cancelled'],
  pendingReview: ['待人工', 'Awaiting people'], rate: ['速率', 'Rate'], perSecond: ['份/秒', 'answers/s'],
  stages: ['阶段', 'Stages'], analyzed: ['已分析', 'analysed'], split: ['已分批', 'split'],
  executing: ['评分中', 'executing'], completed: ['已完成', 'completed'], recovery: ['恢复', 'Recovery'],
  results: ['结果', 'Results'], student: ['考生', 'Student'], question: ['题', 'Question'], score: ['得分', 'Score'],
  confidence: ['置信度', 'Confidence'], grader: ['评分器', 'Grader'], review: ['审核', 'Review'],
  proposed: ['AI 建议', 'AI proposal'], override: ['改分', 'Override'], reason: ['理由', 'Reason'],
  overrideStarted: ['改分已提交（saga {0}），同样答案的考生：{1}', 'Override submitted (saga {0}); identical answers: {1}'],
  exportCsv: ['导出 CSV', 'Export CSV'], statistics: ['统计', 'Statistics'], count: ['份数', 'Count'],
  mean: ['平均', 'Mean'], stdDev: ['标准差', 'Std dev'], min: ['最低', 'Min'], max: ['最高', 'Max'],
  distribution: ['分数分布', 'Score distribution'], previous: ['上一页', 'Previous'], next: ['下一页', 'Next'],
  queueEmpty: ['你的评卷队列已空。', 'Your queue is empty.'], nextItem: ['下一份', 'Next answer'],
  answer: ['答案', 'Answer'], noProposal: ['AI 没有建议分数：请直接评分', 'No AI proposal: mark it yourself'], blind: ['盲评：先给出你自己的分数', 'Blind: give your own score first'],
  evidence: ['依据', 'Evidence'], submitMark: ['提交分数', 'Submit mark'],
  shortcuts: ['快捷键：数字键选分，Enter 提交，N 下一份', 'Keys: digits pick a score, Enter submits, N next'],
  explain: ['AI 解释', 'AI explanation'], exemplars: ['最相近的已评答案', 'Nearest marked answers'], noLlm: ['未配置大模型', 'No LLM configured'],
  groups: ['相同答案组', 'Answer groups'], size: ['人数', 'Size'], variants: ['写法', 'Variants'],
  markGroup: ['整组给分', 'Mark group'], groupMarked: ['已给 {0} 份打分', '{0} answers marked'],
  aiQuality: ['AI 质量（盲评抽检）', 'AI quality (blind checks)'], checked: ['抽检', 'Checked'],
  kappa: ['加权 κ', 'Weighted κ'], exact: ['完全一致', 'Exact'], adjacent: ['相邻一致', 'Adjacent'],
  bias: ['偏差', 'Bias'], autoAcceptRate: ['自动采纳率', 'Auto-accepted'], overrideRate: ['改判率', 'Overridden'],
  alert: ['警报', 'Alert'], autoAccept: ['自动采纳', 'Auto-accept'], on: ['开', 'on'], off: ['关', 'off'],
  markers: ['评卷员', 'Markers'], marker: ['评卷员', 'Marker'], marks: ['评分数', 'Marks'],
  secondsPerMark: ['秒/份（中位）', 's per mark (median)'], deviation: ['平均偏差', 'Mean deviation'],
  rechecks: ['回评（一致）', 'Rechecks (same)'], jobStats: ['任务统计', 'Job statistics'], noJob: ['无任务', 'No job'],
  sagas: ['分布式事务（Saga）', 'Sagas'], definition: ['定义', 'Definition'], startedBy: ['发起人', 'Started by'],
  steps: ['步骤', 'Steps'], attempt: ['尝试', 'Attempt'], command: ['命令', 'Command'], error: ['错误', 'Error'],
  duration: ['耗时', 'Duration'], action: ['操作', 'Action'], step: ['步骤', 'Step'], apply: ['执行', 'Apply'],
  traces: ['链路追踪', 'Traces'], traceId: ['Trace ID', 'Trace id'], find: ['查找', 'Find'],
  systemStatus: ['系统状态事件', 'System status events'], noEvents: ['暂无事件。', 'No events yet.'],
  refresh: ['刷新', 'Refresh'],
  back: ['返回', 'Back'], saved: ['已保存', 'Saved'], language: ['English', '中文'],
};

let current = localStorage.getItem('zhiyue.lang') || (navigator.language.startsWith('zh') ? 'zh' : 'en');

export const lang = () => current;

export function setLang(value) {
  current = value;
  localStorage.setItem('zhiyue.lang', value);
  document.documentElement.lang = value === 'zh' ? 'zh-CN' : 'en';
}

/** The word for key in the current language, {0}, {1}… filled in. */
export function t(key, ...args) {
  const pair = WORDS[key];
  const text = pair ? pair[current === 'zh' ? 0 : 1] : key;
  return text.replace(/\{(\d)\}/g, (_, i) => String(args[i]));
}

/** A table's head row of translated column names. */
export function heads(...keys) {
  return h('thead', {}, h('tr', {}, keys.map(key => h('th', {}, t(key)))));
}

setLang(current);
