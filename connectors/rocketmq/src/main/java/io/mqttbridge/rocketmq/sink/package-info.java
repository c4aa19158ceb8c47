/** The {@code rocketmq} sink (Sink V2 writer on DefaultMQProducer). */
package io.mqttbridge.rocketmq.sink;
