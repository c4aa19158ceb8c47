/** The {@code rocketmq} source (FLIP-27: message queues are splits). */
package io.mqttbridge.rocketmq.source;
