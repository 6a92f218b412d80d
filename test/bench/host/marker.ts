/** Lines the host probe prints for the bench's log start with this. */
export const HOST_LOG = '[bench-host] ';
