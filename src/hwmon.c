// SPDX-License-Identifier: GPL-2.0
/*
 * Temperatures as an hwmon device named "nvme", child of the controller's
 * class device, with the attributes the in-kernel driver gives it so that
 * lm-sensors and the hwmon files read the same:
 *
 *   temp1          the composite temperature: input and alarm from the
 *                  SMART / Health log, crit from Identify's CCTEMP, max
 *                  and min (writable) from the Temperature Threshold
 *                  feature when Identify gives a WCTEMP;
 *   temp2..temp9   the sensors the log reports (non-zero), with their
 *                  own thresholds.
 *
 * Registered once, at the first bring-up; every read asks the controller,
 * so a reset only delays it.  Unregistered at removal once admin commands
 * fail at once, so that no reader can hold the unregistration up.
 */
#include <linux/hwmon.h>
#include <linux/units.h>

#include "cnvme.h"

struct cnvme_hwmon {
	struct cnvme_ctrl *ctrl;
	struct mutex lock;		/* log */
	struct nvme_smart_log log;
};

static int cnvme_hwmon_read_log(struct cnvme_hwmon *hw)
{
	int ret = cnvme_get_log(hw->ctrl, NVME_LOG_SMART, &hw->log,
				sizeof(hw->log));

	return ret > 0 ? -EIO : ret;
}

/* Temperature Threshold (feature 04h) of a sensor: 0 composite, 1..8 */
static u32 cnvme_hwmon_thsel(int channel, bool under)
{
	return (u32)channel << NVME_TEMP_THRESH_SELECT_SHIFT |
	       (under ? NVME_TEMP_THRESH_TYPE_UNDER : 0);
}

static int cnvme_hwmon_get_thresh(struct cnvme_ctrl *ctrl, int channel,
				  bool under, long *val)
{
	u32 res;
	int ret;

	ret = cnvme_get_features(ctrl, NVME_FEAT_TEMP_THRESH,
				 cnvme_hwmon_thsel(channel, under), &res);
	if (ret)
		return ret > 0 ? -EIO : ret;
	*val = kelvin_to_millicelsius(res & NVME_TEMP_THRESH_MASK);
	return 0;
}

static int cnvme_hwmon_set_thresh(struct cnvme_ctrl *ctrl, int channel,
				  bool under, long val)
{
	long kelvin = clamp_val(millicelsius_to_kelvin(val), 0,
				NVME_TEMP_THRESH_MASK);
	int ret;

	ret = cnvme_set_features(ctrl, NVME_FEAT_TEMP_THRESH,
				 cnvme_hwmon_thsel(channel, under) | kelvin,
				 NULL);
	return ret > 0 ? -EIO : ret;
}

/* composite (an unaligned 2-byte field) or sensor 1..8, in kelvin */
static u16 cnvme_hwmon_kelvin(const struct nvme_smart_log *log, int channel)
{
	if (!channel)
		return log->temperature[0] | log->temperature[1] << 8;
	return le16_to_cpu(log->temp_sensor[channel - 1]);
}

static int cnvme_hwmon_read(struct device *dev, enum hwmon_sensor_types type,
			    u32 attr, int channel, long *val)
{
	struct cnvme_hwmon *hw = dev_get_drvdata(dev);
	struct nvme_smart_log *log = &hw->log;
	int ret;

	switch (attr) {
	case hwmon_temp_max:
	case hwmon_temp_min:
		return cnvme_hwmon_get_thresh(hw->ctrl, channel,
					      attr == hwmon_temp_min, val);
	case hwmon_temp_crit:
		*val = kelvin_to_millicelsius(le16_to_cpu(hw->ctrl->id->cctemp));
		return 0;
	case hwmon_temp_input:
	case hwmon_temp_alarm:
		break;
	default:
		return -EOPNOTSUPP;
	}

	mutex_lock(&hw->lock);
	ret = cnvme_hwmon_read_log(hw);
	if (ret)
		goto unlock;
	if (attr == hwmon_temp_alarm)
		*val = !!(log->critical_warning & NVME_SMART_CRIT_TEMPERATURE);
	else
		*val = kelvin_to_millicelsius(cnvme_hwmon_kelvin(log, channel));
unlock:
	mutex_unlock(&hw->lock);
	return ret;
}

static int cnvme_hwmon_write(struct device *dev, enum hwmon_sensor_types type,
			     u32 attr, int channel, long val)
{
	struct cnvme_hwmon *hw = dev_get_drvdata(dev);

	if (attr != hwmon_temp_max && attr != hwmon_temp_min)
		return -EOPNOTSUPP;
	return cnvme_hwmon_set_thresh(hw->ctrl, channel,
				      attr == hwmon_temp_min, val);
}

static const char * const cnvme_hwmon_labels[] = {
	"Composite", "Sensor 1", "Sensor 2", "Sensor 3", "Sensor 4",
	"Sensor 5", "Sensor 6", "Sensor 7", "Sensor 8",
};

static int cnvme_hwmon_read_string(struct device *dev,
				   enum hwmon_sensor_types type, u32 attr,
				   int channel, const char **str)
{
	*str = cnvme_hwmon_labels[channel];
	return 0;
}

/*
 * What a sensor shows: the composite one always, another only when the
 * log read at registration reports it; thresholds only where Identify
 * gives a warning temperature (composite) or the sensor exists.
 */
static umode_t cnvme_hwmon_is_visible(const void *data,
				      enum hwmon_sensor_types type, u32 attr,
				      int channel)
{
	const struct cnvme_hwmon *hw = data;
	const struct nvme_id_ctrl *id = hw->ctrl->id;
	bool present = !channel || hw->log.temp_sensor[channel - 1];

	switch (attr) {
	case hwmon_temp_input:
	case hwmon_temp_label:
		return present ? 0444 : 0;
	case hwmon_temp_alarm:
		return channel ? 0 : 0444;
	case hwmon_temp_crit:
		return !channel && id->cctemp ? 0444 : 0;
	case hwmon_temp_max:
	case hwmon_temp_min:
		if (channel)
			return present ? 0644 : 0;
		return id->wctemp ? 0644 : 0;
	default:
		return 0;
	}
}

#define CNVME_HWMON_SENSOR_ATTRS \
	(HWMON_T_INPUT | HWMON_T_MAX | HWMON_T_MIN | HWMON_T_LABEL)

static const struct hwmon_channel_info *cnvme_hwmon_info_const
cnvme_hwmon_info[] = {
	HWMON_CHANNEL_INFO(chip, HWMON_C_REGISTER_TZ),
	HWMON_CHANNEL_INFO(temp,
			   CNVME_HWMON_SENSOR_ATTRS | HWMON_T_CRIT |
			   HWMON_T_ALARM,
			   CNVME_HWMON_SENSOR_ATTRS, CNVME_HWMON_SENSOR_ATTRS,
			   CNVME_HWMON_SENSOR_ATTRS, CNVME_HWMON_SENSOR_ATTRS,
			   CNVME_HWMON_SENSOR_ATTRS, CNVME_HWMON_SENSOR_ATTRS,
			   CNVME_HWMON_SENSOR_ATTRS, CNVME_HWMON_SENSOR_ATTRS),
	NULL
};

static const struct hwmon_ops cnvme_hwmon_ops = {
	.is_visible	= cnvme_hwmon_is_visible,
	.read		= cnvme_hwmon_read,
	.read_string	= cnvme_hwmon_read_string,
	.write		= cnvme_hwmon_write,
};

static const struct hwmon_chip_info cnvme_hwmon_chip = {
	.ops	= &cnvme_hwmon_ops,
	.info	= cnvme_hwmon_info,
};

/*
 * At a bring-up, with ctrl->lock held and the admin queue live, until it
 * succeeds once.  A controller whose log cannot be read gets no sensor,
 * as with the in-kernel driver; nothing here fails the bring-up: the
 * disks matter more than the thermometer.
 */
void cnvme_hwmon_init(struct cnvme_ctrl *ctrl)
{
	struct device *hwdev;
	struct cnvme_hwmon *hw;
	int ret;

	if (ctrl->hwmon)
		return;
	hw = kzalloc(sizeof(*hw), GFP_KERNEL);
	if (!hw) {
		dev_warn(&ctrl->dev, "no temperature sensors: out of memory\n");
		return;
	}
	hw->ctrl = ctrl;
	mutex_init(&hw->lock);

	ret = cnvme_hwmon_read_log(hw);
	if (ret) {
		dev_warn(&ctrl->dev, "no temperature sensors: SMART log unreadable (%d)\n",
			 ret);
		goto free;
	}
	hwdev = hwmon_device_register_with_info(&ctrl->dev, "nvme", hw,
						&cnvme_hwmon_chip, NULL);
	if (IS_ERR(hwdev)) {
		ret = PTR_ERR(hwdev);
		dev_warn(&ctrl->dev, "no temperature sensors: hwmon registration failed (%d)\n",
			 ret);
		goto free;
	}
	ctrl->hwmon = hwdev;
	return;
free:
	mutex_destroy(&hw->lock);
	kfree(hw);
}

/* Before the admin queue goes: waits for the readers in the files. */
void cnvme_hwmon_exit(struct cnvme_ctrl *ctrl)
{
	struct device *hwdev = ctrl->hwmon;
	struct cnvme_hwmon *hw;

	if (!hwdev)
		return;
	hw = dev_get_drvdata(hwdev);
	hwmon_device_unregister(hwdev);
	ctrl->hwmon = NULL;
	mutex_destroy(&hw->lock);
	kfree(hw);
}
