// The API's errors as the console shows them: `{code, message, field, problems}` with a Chinese
// message; anything else (a proxy's HTML page, a dropped connection) gets a Chinese message too.

export interface Problem {
  location: string
  field?: string | null
  path: string
  code: string
  message: string
  line?: number | null
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field?: string
  readonly problems: Problem[]

  constructor(status: number, code: string, message: string, field?: string, problems: Problem[] = []) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.problems = problems
  }
}

const BY_STATUS: Record<number, string> = {
  400: '请求有误，请检查后重试',
  401: '登录已过期，请重新登录',
  403: '没有权限进行此操作',
  404: '没有找到相关内容',
  409: '当前状态不允许此操作',
  413: '上传的内容过大',
  429: '操作过于频繁，请稍后再试',
  500: '服务器开小差了，请稍后再试',
  502: '上游服务出错，请稍后再试',
  503: '服务暂不可用，请稍后再试',
}

/** The error of a failed response, from its status and (maybe) JSON body. */
export function toApiError(status: number, body: unknown): ApiError {
  if (body && typeof body === 'object' && 'code' in body && 'message' in body) {
    const b = body as { code: unknown; message: unknown; field?: unknown; problems?: unknown }
    if (typeof b.code === 'string' && typeof b.message === 'string' && b.message) {
      const problems = Array.isArray(b.problems) ? (b.problems as Problem[]) : []
      return new ApiError(status, b.code, b.message, typeof b.field === 'string' ? b.field : undefined, problems)
    }
  }
  return new ApiError(status, `HTTP_${status}`, BY_STATUS[status] ?? `请求失败（${status}）`)
}

export const NETWORK_ERROR_MESSAGE = '无法连接到服务器，请检查网络后重试'

export function networkError(): ApiError {
  return new ApiError(0, 'NETWORK', NETWORK_ERROR_MESSAGE)
}

/** A message fit to show for any thrown value. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message
  return '操作失败，请重试'
}
